'use strict';
// Browse the administrative hierarchy: search without diacritics, open a
// unit, climb the breadcrumb, and look at the map as it was before the
// 1 July 2025 reorganisation.

module.exports = {
  name: 'hierarchy',
  title: 'browse units, search without diacritics, add and rename a village, view as of 30/06/2025',
  async run(j) {
    const { page, assert } = j;
    await j.login('tinh.ninhbinh');

    // The menu leads to the hierarchy.
    await j.click(page.locator('header nav a[href="/org-units"]'));
    assert.equal(await j.text('h1'), 'Địa bàn');

    // Search as people type on a phone: no diacritics. The box submits
    // itself after a pause.
    const q = page.locator('#q');
    await j.searchAsYouType('#q', 'nam dinh');
    const names = await j.column('main table', 0);
    assert.ok(names.includes('Phường Nam Định'), `search "nam dinh" lacks Phường Nam Định: ${names.join(' | ')}`);
    assert.ok(names.includes('Tỉnh Nam Định'), `search "nam dinh" lacks Tỉnh Nam Định: ${names.join(' | ')}`);
    assert.equal(await q.inputValue(), 'nam dinh', 'the search box keeps what was typed');
    await j.shot('search-nam-dinh');

    // Open the 2025 ward: it lists what it was formed from.
    await j.click(page.locator('main table a', { hasText: /^Phường Nam Định$/ }));
    assert.equal(await j.text('h1'), 'Phường Nam Định');
    const crumbs = await j.text('nav.crumbs');
    assert.match(crumbs, /Tỉnh Ninh Bình/, `breadcrumb "${crumbs}" lacks the province`);
    const formed = page.locator('section.card', { has: page.locator('h2', { hasText: 'Hình thành từ' }) });
    assert.ok((await formed.locator('li').count()) > 0, 'Phường Nam Định shows no predecessors');

    // Up the breadcrumb to the province and down to one of its communes.
    await j.click(page.locator('nav.crumbs a', { hasText: 'Tỉnh Ninh Bình' }));
    assert.equal(await j.text('h1'), 'Tỉnh Ninh Bình');
    const children = page.locator('section.card', { has: page.locator('h2', { hasText: 'Đơn vị trực thuộc' }) });
    const communes = await children.locator('tbody tr').count();
    assert.ok(communes > 50, `Tỉnh Ninh Bình lists ${communes} communes`);
    await j.shot('province');
    await j.click(children.locator('tbody a', { hasText: /^Xã / }).first());
    assert.match(await j.text('h1'), /^Xã /);

    // Add a village to the commune, find it in the list, and rename it.
    const village = `Thôn Thử ${j.width}`;
    const add = page.locator('details.card', { has: page.locator('summary', { hasText: 'Thêm thôn/tổ dân phố' }) });
    await add.locator('summary').click();
    await add.locator('#v-name').fill(village);
    await j.click(add.locator('button[type=submit]'));
    assert.equal(await j.text('h1'), village, 'the new village opens on its own page');
    await j.click(page.locator('a.button', { hasText: 'Sửa thông tin' }));
    await page.locator('input[name=name]').fill(`${village} mới`);
    await j.click(page.locator('main form button[type=submit]'));
    assert.equal(await j.text('h1'), `${village} mới`, 'the village keeps its new name');
    await j.shot('village-renamed');
    await j.click(page.locator('nav.crumbs a').last());
    const villages = await j.column(children, 0);
    assert.ok(villages.includes(`${village} mới`), `the commune does not list its new village: ${villages.join(' | ')}`);

    // The same search as of 30/06/2025: the 2025 ward did not exist yet,
    // the legacy province did.
    await j.click(page.locator('header nav a[href="/org-units"]'));
    await page.locator('#as_of').fill('2025-06-30');
    await j.searchAsYouType('#q', 'nam dinh');
    assert.equal(new URL(page.url()).searchParams.get('as_of'), '2025-06-30');
    assert.match(await j.text('p.count'), /30\/06\/2025/);
    const before = await j.column('main table', 0);
    assert.ok(before.includes('Tỉnh Nam Định'), `as of 30/06/2025 lacks Tỉnh Nam Định: ${before.join(' | ')}`);
    assert.ok(!before.includes('Phường Nam Định'), 'Phường Nam Định (from 01/07/2025) shown as of 30/06/2025');
    await j.shot('search-as-of-2025-06-30');

    // The legacy province: a note, its successor, and its districts then.
    await j.click(page.locator('main table a', { hasText: /^Tỉnh Nam Định$/ }));
    assert.equal(await j.text('h1'), 'Tỉnh Nam Định');
    await page.locator('p.note', { hasText: 'trước ngày 01/7/2025' }).waitFor();
    const successors = page.locator('section.card', { has: page.locator('h2', { hasText: 'Đã chuyển thành' }) });
    assert.match(await successors.innerText(), /Tỉnh Ninh Bình/);
    const asOf = page.locator('section.card form.filters #as_of');
    await asOf.fill('2025-06-30');
    await j.click(page.locator('section.card form.filters button[type=submit]'), { url: /as_of=2025-06-30/ });
    const then = await j.column(page.locator('section.card', { has: page.locator('h2', { hasText: 'Đơn vị trực thuộc' }) }).locator('table'), 0);
    assert.ok(then.includes('Thành phố Nam Định'), `Tỉnh Nam Định on 30/06/2025 lacks Thành phố Nam Định: ${then.join(' | ')}`);
    await j.shot('legacy-province');

    // The quick link to the provinces before the reform.
    await j.click(page.locator('header nav a[href="/org-units"]'));
    await j.click(page.locator('p.quick a', { hasText: 'Trước sắp xếp' }));
    const provinces = await j.count();
    assert.ok(provinces >= 1, `no provinces before the reform`);
  },
};
