'use strict';
// Scope: a commune officer of Hà Nội cannot reach Ninh Bình's pages, a
// commune officer of Phường Nam Định cannot reach another commune, and the
// read-only leader of Ninh Bình sees no control that writes.

module.exports = {
  name: 'scope',
  title: 'commune officers stay in their commune, the viewer cannot write',
  async run(j) {
    const { page, assert } = j;

    // Province staff find a commune and a model of Ninh Bình.
    await j.login('tinh.ninhbinh');
    await j.click(page.locator('header nav a[href="/org-units"]'));
    await page.locator('#level').selectOption('commune');
    await j.searchAsYouType('#q', 'bac ly');
    const row = page.locator('main table tbody tr', { hasText: 'Tỉnh Ninh Bình' }).filter({ hasText: 'Xã Bắc Lý' });
    await j.click(row.locator('a').first(), { url: /\/org-units\/\d+/ });
    const communePath = new URL(page.url()).pathname;
    const communeId = communePath.split('/').pop();
    await j.click(page.locator('a', { hasText: 'Mô hình tại địa bàn này' }), { url: /\/models\?/ });
    let modelLink = page.locator('main table tbody a[href^="/models/"]').first();
    if ((await modelLink.count()) === 0) {
      await j.click(page.locator('header nav a[href="/models"]'));
      modelLink = page.locator('main table tbody a[href^="/models/"]').first();
    }
    const modelPath = await modelLink.getAttribute('href');
    await j.logout();

    // --- A commune officer of Hà Nội -----------------------------------
    await j.login('xa.badinh');
    await j.click(page.locator('header nav a[href="/org-units"]'));
    const mine = await j.column('main table', 0);
    assert.deepEqual(mine, ['Phường Ba Đình'], `xa.badinh's units: ${mine.join(' | ')}`);
    await j.searchAsYouType('#q', 'bac ly');
    assert.equal(await j.count(), 0, 'xa.badinh finds units of Ninh Bình');
    await j.click(page.locator('header nav a[href="/models"]'));
    assert.equal(await j.count(), 0, 'xa.badinh lists models of Ninh Bình');

    // Typing the addresses: the 404 page, as if they did not exist.
    await j.goto(communePath, { status: 404 });
    assert.match(await j.text('main'), /Không tìm thấy/);
    await j.shot('badinh-404-unit');
    await j.goto(modelPath, { status: 404 });
    assert.match(await j.text('main'), /Không tìm thấy/);
    await j.goto(`${modelPath}/edit`, { status: 404 });
    await j.goto(`/models/matrix?org_unit=${communeId}`, { status: 404 });
    // The error page has no menu: its one link leads home.
    await j.click(page.locator('main a', { hasText: 'Trang chủ' }));

    // Nor can a model be filed there through the form.
    await j.goto(`/models/new?org_unit_id=${communeId}`);
    assert.equal(await page.locator('#org_unit').inputValue(), '', 'a unit out of scope is named on the form');
    await page.locator('#org_unit').fill('Xã Bắc Lý');
    await j.selectStarting('#type_id', 'Camera an ninh');
    await page.locator('#name').fill('Không được phép');
    await page.locator('#founded_on').fill('2025-09-01');
    await j.expecting([400, 403, 404], /\/models$/, () => j.click(page.locator('main form button[type=submit]')));
    assert.ok(!/\/models\/\d+$/.test(page.url()), `xa.badinh created a model in Ninh Bình: ${page.url()}`);
    assert.ok((await page.locator('.error').count()) > 0, 'the refusal says nothing');
    await j.shot('badinh-refused');
    await j.logout();

    // --- A commune officer of Phường Nam Định ----------------------------
    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/org-units"]'));
    await j.click(page.locator('main table a', { hasText: /^Phường Nam Định$/ }));
    assert.equal(await j.text('h1'), 'Phường Nam Định');
    assert.equal(await page.locator('a', { hasText: 'Thêm mô hình tại đây' }).count(), 1, 'xa.namdinh cannot add a model in their own ward');
    await j.goto(communePath, { status: 404 });
    await j.goto(modelPath, { status: 404 });
    await j.click(page.locator('main a', { hasText: 'Trang chủ' }));
    await j.logout();

    // --- The read-only leader of Ninh Bình -------------------------------
    await j.login('lanhdao.ninhbinh');
    assert.equal(await page.locator('header nav a[href="/audit"]').count(), 0, 'a viewer sees the audit menu');
    await j.goto(communePath);
    assert.equal(await j.text('h1'), 'Xã Bắc Lý');
    for (const text of ['Thêm mô hình tại đây', 'Sửa thông tin', 'Thêm thôn/tổ dân phố', 'Thêm cơ sở']) {
      assert.equal(await page.getByText(text).count(), 0, `a viewer sees "${text}" on a commune page`);
    }
    await j.click(page.locator('header nav a[href="/models"]'));
    for (const text of ['Thêm mô hình', 'Nhập từ tệp']) {
      assert.equal(await page.locator('main a', { hasText: text }).count(), 0, `a viewer sees "${text}" on /models`);
    }
    await j.click(page.locator('main table tbody a[href^="/models/"]').first(), { url: /\/models\/\d+$/ });
    assert.equal(await page.locator('main a', { hasText: 'Sửa mô hình' }).count(), 0, 'a viewer sees "Sửa mô hình"');
    assert.equal(await page.locator('main form[method=post]').count(), 0, 'a viewer sees a form that writes');
    await j.shot('viewer-model');
    await j.goto('/models/new', { status: 403 });
    await j.goto('/models/import', { status: 403 });
  },
};
