'use strict';
// Programmes: the province's officer reads the coordination programmes
// and the partner organisations (a legacy union ended into the
// province's); the ward's Youth Union account sees its own plan only,
// reports an activity of it (a day outside the plan refused, the form
// keeping what was typed) and sees the plan's results move; another
// organisation's programme is not there for it.

module.exports = {
  name: 'programs',
  title: 'programmes and partners, a Youth Union account reports an activity and sees the results move, another organisation\'s programme refused',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
    const result = phone ? 'Tuyên truyền tại Tổ dân phố (điện thoại)' : 'Tuyên truyền tại Tổ dân phố (máy tính)';

    await j.login('tinh.ninhbinh');
    await j.click(page.locator('header nav a[href="/programs"]'), { url: /\/programs$/ });
    assert.match(await j.text('main table'), /Tỉnh đoàn Ninh Bình/);
    const women = await page.locator('main table tr', { hasText: 'Hội Liên hiệp Phụ nữ tỉnh Ninh Bình' }).first().locator('a').first().getAttribute('href');
    await j.shot('list');
    await j.click(page.locator('main a', { hasText: 'Tổ chức phối hợp' }).first(), { url: /\/partners$/ });
    await page.locator('main form.filters input[name=ended]').check();
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /ended=true/ });
    assert.match(await j.text('main table'), /Tỉnh đoàn Nam Định \(cũ\)/);
    await j.shot('partners');
    await j.logout();

    // The ward's Youth Union: its plan only.
    await j.login('doan.namdinh');
    await j.click(page.locator('header nav a[href="/programs"]'), { url: /\/programs$/ });
    const rows = page.locator('main table tbody tr');
    assert.equal(await rows.count(), 1);
    await j.click(rows.first().locator('a').first(), { url: /\/programs\/\d+$/ });
    const planUrl = new URL(page.url()).pathname;
    const figures = async () => j.text(page.locator('main section.card dl dd').last());
    const before = await figures();
    await j.shot('plan');

    // An activity dated before the plan is refused beside the form.
    const form = page.locator('#activities details.action');
    if (!(await form.evaluate((d) => d.open))) await form.locator('summary').click();
    await form.locator('#a_held').fill('2020-01-01');
    await form.locator('#a_kind').selectOption('tuyen_truyen');
    await form.locator('#a_n').fill('45');
    await form.locator('#a_result').fill(result);
    await j.expecting(400, /\/programs\/\d+\/activities$/, () => j.click(form.locator('button[type=submit]')));
    assert.match(await j.text('#activities .error'), /trong thời gian chương trình/);
    assert.equal(await page.locator('#a_result').inputValue(), result);
    await page.locator('#a_held').fill(yesterday);
    await j.click(page.locator('#activities form.stack button[type=submit]'), { url: /#activities$/ });
    assert.match(await j.text('#activities'), new RegExp(result.replace(/[()]/g, '\\$&')));
    assert.match(await j.text('#activities'), /Đoàn TNCS Hồ Chí Minh phường Nam Định/);
    const after = await figures();
    assert.notEqual(after, before, 'the results moved');
    await j.shot('reported');

    // Another organisation's programme: not there.
    await j.goto(women, { status: 404 });
    await j.goto(planUrl);
    await j.logout();
  },
};
