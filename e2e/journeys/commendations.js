'use strict';
// Commendations: the ward's officer tries to record the province's Bằng
// khen (refused beside the form, which keeps what was typed: a commune
// proposes it), then proposes it; the province's officer finds it among
// the year's proposals and approves it; the counts by area move; an
// officer of Hà Nội gets 404 on it. Each width proposes its own.

module.exports = {
  name: 'commendations',
  title: 'a commendation proposed by the ward and approved by the province, the counts move',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const reason = phone ? 'Dẫn đầu phong trào (điện thoại)' : 'Dẫn đầu phong trào (máy tính)';
    const today = new Date().toISOString().slice(0, 10);
    const total = async () => Number((await j.text('main > p strong')).replace(/\./g, ''));

    await j.login('tinh.ninhbinh');
    await j.goto('/commendations/summary');
    const before = await total();
    await j.logout();

    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/commendations"]'), { url: /\/commendations$/ });
    await j.shot('list');
    await j.click(page.locator('main a[href="/commendations/new"]'), { url: /\/commendations\/new$/ });
    await page.locator('#form').selectOption('bang_khen');
    await page.locator('#level').selectOption('ubnd_tinh');
    await page.locator('#recipient_kind').selectOption('unit');
    await page.locator('#unit').fill('Phường Nam Định');
    await page.locator('#reason').fill(reason);
    await page.locator('#decided_on').fill(today);
    await j.expecting(403, /\/commendations$/, () => j.click(page.locator('main form button[type=submit]')));
    assert.match(await j.text('main .error'), /gửi đề nghị lên tỉnh/);
    assert.equal(await page.locator('#reason').inputValue(), reason);
    await j.shot('refused');
    await page.locator('#decided_on').fill('');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/commendations\/\d+$/ });
    const url = new URL(page.url()).pathname;
    assert.match(await j.text('main dl'), /Đề nghị/);
    await j.shot('proposed');
    await j.logout();

    await j.login('tinh.ninhbinh');
    await j.goto('/commendations?state=proposed');
    await j.click(page.locator('main table tr', { hasText: reason }).locator('a').first(), { url: /\/commendations\/\d+$/ });
    await page.locator('#d_number').fill('150/QĐ-UBND');
    await j.click(page.locator('#decision form').first().locator('button[type=submit]'), { url: /\/commendations\/\d+$/ });
    assert.match(await j.text('main dl'), /Đã khen thưởng/);
    await j.shot('approved');
    await j.goto('/commendations/summary');
    assert.ok(await total() >= before + 1, 'the counts moved');
    await j.shot('summary');
    await j.logout();

    await j.login('xa.badinh');
    await j.goto(url, { status: 404 });
    await j.goto('/commendations');
    await j.logout();
  },
};
