'use strict';
// Directives: the province's officer issues a directive to every commune
// of Ninh Bình from the form (a task due before the directive refused,
// the form keeping what was typed), due yesterday so that the board shows
// every commune late; the ward's officer finds it on the home page and
// reports it done; the province reports for a second commune on its
// behalf; the board then shows two done and the rest late. An officer of
// Hà Nội gets 404 on the ward's task. Each width issues its own directive.

module.exports = {
  name: 'directives',
  title: 'a directive to every commune of Ninh Bình, two communes report, the board shows the rest late',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const iso = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
    const subject = phone ? 'Rà soát Tổ bảo vệ ANTT (điện thoại)' : 'Rà soát Tổ bảo vệ ANTT (máy tính)';
    const task = phone ? 'Báo cáo rà soát tổ (điện thoại)' : 'Báo cáo rà soát tổ (máy tính)';
    const row = () => page.locator('#tasks tbody tr').first();
    const tally = async () => `${await j.text(row().locator('td').nth(2))} · ${await j.text(row().locator('td').nth(3))}`;

    await j.login('tinh.ninhbinh');
    await j.click(page.locator('header nav a[href="/directives"]'), { url: /\/directives$/ });
    assert.match(await j.text('main table'), /Triển khai phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026/);
    await j.shot('list');
    await j.click(page.locator('main a[href="/directives/new"]'), { url: /\/directives\/new$/ });
    await page.locator('#subject').fill(subject);
    await page.locator('#issued_on').fill(iso(-10));
    await page.locator('#t1_title').fill(task);
    await page.locator('#t1_due_on').fill(iso(-11));
    await page.locator('#t1_expects').selectOption('text');
    await j.shot('new');
    await j.expecting(400, /\/directives$/, () => j.click(page.locator('main form button[type=submit]')));
    assert.match(await j.text('main .error'), /từ ngày ban hành/);
    assert.equal(await page.locator('#subject').inputValue(), subject);
    assert.equal(await page.locator('#t1_title').inputValue(), task);
    await page.locator('#t1_due_on').fill(iso(-1));
    await j.click(page.locator('main form button[type=submit]'), { url: /\/directives\/\d+$/ });
    const board = new URL(page.url()).pathname;
    const before = await tally();
    assert.match(before, /^0\/\d+/, 'nobody has reported');
    assert.match(before, /quá hạn/);
    await j.shot('board');
    await j.logout();

    // The ward's officer: the late task is on the home page.
    await j.login('xa.namdinh');
    const reminder = page.locator('main section.todo a', { hasText: task });
    await j.click(reminder, { url: /\/tasks\/\d+\?org_unit=\d+$/ });
    const taskUrl = new URL(page.url());
    await page.locator('#r_state').selectOption('done');
    await page.locator('#r_text').fill('Đã rà soát 16 tổ, kiện toàn 2 tổ thiếu thành viên.');
    await j.click(page.locator('#report button[type=submit]'), { url: /#report$/ });
    assert.match(await j.text('#history'), /Đã rà soát 16 tổ/);
    assert.match(await j.text('main dl'), /Đã hoàn thành/);
    await j.shot('reported');
    await j.logout();

    // The province reports for a second commune, from the board's late list.
    await j.login('tinh.ninhbinh');
    await j.goto(`${board}?standing=late`);
    const late = page.locator('#owners tbody tr a').first();
    await j.click(late, { url: /\/tasks\/\d+\?org_unit=\d+$/ });
    await page.locator('#r_state').selectOption('done');
    await page.locator('#r_text').fill('Công an tỉnh ghi nhận báo cáo qua điện thoại.');
    await j.click(page.locator('#report button[type=submit]'), { url: /#report$/ });
    await j.goto(board);
    const after = await tally();
    assert.match(after, /^2\/\d+/, 'two communes reported');
    const owners = Number(after.match(/^2\/(\d+)/)[1]);
    const lateNow = Number((after.match(/(\d+) quá hạn/) || [])[1]);
    assert.equal(lateNow, owners - 2, 'the rest are late');
    await j.shot('board-after');
    await j.logout();

    // Another province's commune: the ward's task is not there.
    await j.login('xa.badinh');
    await j.goto(taskUrl.pathname + taskUrl.search, { status: 404 });
    await j.goto('/tasks');
    await j.logout();
  },
};
