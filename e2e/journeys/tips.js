'use strict';
// Tips: a citizen reports from the public page (the place found by
// search, a photo attached) and keeps the receipt; the ward's officer
// finds the new tip, reads it, asks a question and takes it up; the
// citizen comes back with the receipt, reads the reply and answers; the
// officer forwards it to the province, whose key-holder resolves it; the
// citizen sees it resolved. An officer of Hà Nội gets 404 on it. Each
// width sends its own tip (its own category, so the officer finds it).

const fs = require('fs');
const path = require('path');

module.exports = {
  name: 'tips',
  title: 'a citizen reports with a photo and follows by receipt; the ward verifies, forwards, the province resolves',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const category = phone ? 'tranh_chap' : 'khac';
    const words = phone
      ? 'Hai nhóm thanh niên xô xát trước cổng chợ Rồng, có người mang gậy (điện thoại)'
      : 'Có người lạ chụp ảnh các nhà trong tổ dân phố và hỏi giờ đi làm (máy tính)';
    const photo = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'ngay-hoi-gps.jpg'));

    // The citizen: no account.
    // The place: found by search on the phone, clicked on the offline map
    // of the province on the desktop.
    await j.goto('/to-giac');
    if (phone) {
      await page.locator('#q').fill('Nam Định');
      await j.click(page.locator('main form[role=search] button'), { url: /\/to-giac\?q=/ });
      await page.locator('fieldset.places label', { hasText: 'Phường Nam Định, Tỉnh Ninh Bình' }).locator('input').check();
    } else {
      await page.locator('details.map-choose summary').click();
      await page.locator('#province').selectOption({ label: 'Tỉnh Ninh Bình' });
      await j.click(page.locator('details.map-choose form button'), { url: /province=/ });
      const dot = page.locator('.map-pick svg a', { has: page.locator('title', { hasText: /^Phường Nam Định:/ }) });
      await j.nav(() => dot.locator('circle').dispatchEvent('click'), { url: /place_id=/ });
      assert.ok(await page.locator('fieldset.places label', { hasText: 'Phường Nam Định, Tỉnh Ninh Bình' }).locator('input').isChecked(), 'the dot chose its commune');
      await j.shot('map');
    }
    await page.locator('#category').selectOption(category);
    await page.locator('#report').fill(words);
    await page.locator('#place_detail').fill('Cổng chợ Rồng');
    await page.locator('#files').setInputFiles({ name: 'anh-hien-truong.jpg', mimeType: 'image/jpeg', buffer: photo });
    await j.shot('report');
    await j.click(page.locator('main form[enctype="multipart/form-data"] button[type=submit]'), { url: /\/to-giac$/ });
    const receipt = (await j.text('.receipt strong')).trim();
    assert.match(receipt, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.match(await j.text('main'), /Phường Nam Định/);
    await j.shot('receipt');
    const follow = async () => {
      await j.goto('/to-giac/theo-doi');
      await page.locator('#receipt').fill(receipt.toLowerCase());
      await j.click(page.locator('main form button[type=submit]'), { url: /\/to-giac\/theo-doi$/ });
    };
    await follow();
    assert.match(await j.text('main dl'), /Mới tiếp nhận/);
    assert.match(await j.text('main'), new RegExp(words.slice(0, 20)));

    // The ward's officer.
    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/tips"]'), { url: /\/tips$/ });
    await j.shot('list');
    await j.goto(`/tips?state=new&category=${category}`);
    await j.click(page.locator('main table tbody tr').first().locator('a').first(), { url: /\/tips\/\d+$/ });
    const url = new URL(page.url()).pathname;
    assert.match(await j.text('main'), new RegExp(words.slice(0, 20)));
    assert.equal(await page.locator('main a[href*="/files/"]').count(), 1, 'the photo is listed');
    await page.locator('#m_kind').selectOption('reply');
    await page.locator('#m_text').fill('Công an phường đã tiếp nhận. Bạn có thấy biển số xe không?');
    await j.click(page.locator('form[action$="/messages"] button[type=submit]'), { url: new RegExp(`${url}$`) });
    await j.click(page.locator('#steps form', { has: page.locator('input[value=verify]') }).locator('button'), { url: new RegExp(`${url}$`) });
    assert.match(await j.text('#facts'), /Đang xác minh/);
    await j.shot('verifying');
    await j.logout();

    // The citizen reads the reply and answers.
    await follow();
    assert.match(await j.text('main'), /Bạn có thấy biển số xe không/);
    assert.doesNotMatch(await j.text('main'), /xa\.namdinh|Công an phường Nam Định \(/);
    await page.locator('#text').fill('Xe máy màu đỏ, biển số bắt đầu 18B');
    await j.click(page.locator('form[action="/to-giac/theo-doi/bo-sung"] button[type=submit]'), { url: /bo-sung$/ });
    assert.match(await j.text('main [role=status]'), /Đã gửi thông tin bổ sung/);
    await j.shot('answered');

    // The officer reads the answer and forwards the tip to the province.
    await j.login('xa.namdinh');
    await j.goto(url);
    assert.match(await j.text('main'), /biển số bắt đầu 18B/);
    const forward = page.locator('#steps form', { has: page.locator('input[value=forward]') });
    await forward.locator('input[name=to_unit]').fill('Tỉnh Ninh Bình');
    await forward.locator('input[name=reason]').fill('Liên quan nhóm đối tượng ngoài phường');
    await j.click(forward.locator('button'), { url: /\/tips$/ });
    await j.goto(url, { status: 404 });
    await j.goto('/tips');
    await j.logout();

    // The province's key-holder resolves it.
    await j.login('tinh.ninhbinh');
    await j.goto(url);
    assert.match(await j.text('#facts'), /Đã chuyển đơn vị khác/);
    await j.click(page.locator('#steps form', { has: page.locator('input[value=verify]') }).locator('button'), { url: new RegExp(`${url}$`) });
    const resolve = page.locator('#steps form', { has: page.locator('input[value=resolve]') });
    await resolve.locator('input[name=valuable]').check();
    await resolve.locator('input[name=cases_solved]').fill('1');
    await resolve.locator('input[name=arrests]').fill('2');
    await j.click(resolve.locator('button'), { url: new RegExp(`${url}$`) });
    assert.match(await j.text('#facts'), /Đã giải quyết/);
    await j.shot('resolved');
    await j.logout();

    await follow();
    assert.match(await j.text('main dl'), /Đã giải quyết/);

    // Another commune's officer: as if it did not exist.
    await j.login('xa.badinh');
    await j.goto(url, { status: 404 });
    await j.goto('/tips');
    await j.logout();
  },
};
