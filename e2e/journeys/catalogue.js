'use strict';
// A province's own catalogue (issue 16): Ninh Bình's staff load 55 model
// types of their own from a file (a bad file loads nothing), see them
// beside the national ones, cannot change a national type but hide it for
// their province and use it again; a commune officer of Hà Nội does not
// see Ninh Bình's types. The province adds a field and a kind of place of
// its own, which the type form then offers.

const HEADER = 'Mã loại,Tên loại mô hình,Lĩnh vực,Nơi áp dụng,Nguồn';

function csvFile(name, rows) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`${[HEADER, ...rows].join('\n')}\n`, 'utf8') };
}

module.exports = {
  name: 'catalogue',
  title: 'a province loads its own types, hides a national one; another province does not see them',
  async run(j) {
    const { page, assert, tag } = j;
    const code = (n) => `nb_${tag}_${String(n).padStart(2, '0')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    await j.login('tinh.ninhbinh');
    await j.goto('/model-types');
    await j.click(page.locator('main a', { hasText: 'Nhập danh mục loại mô hình' }), { url: /\/model-types\/import$/ });
    assert.equal(await page.locator('#owner_id option').count(), 1, 'province staff may only load their own catalogue');
    assert.match(await page.locator('#owner_id option').innerText(), /Ninh Bình/);

    // --- A bad file: a national code and an unknown place load nothing.
    const bad = csvFile('loai-loi.csv', [
      `${code(0)},Mô hình thử ${tag},Khu dân cư,"thôn, tổ dân phố",Quyết định của tỉnh`,
      'to_tuan_tra_nhan_dan,Tổ tuần tra của tỉnh,Khu dân cư,"thôn, tổ dân phố",',
      `${code(99)},Mô hình bến xe ${tag},Khu dân cư,bến xe,`,
    ]);
    await page.locator('#file').setInputFiles(bad);
    await j.expecting(422, /\/model-types\/import/, async () => {
      await page.locator('form[data-upload] button[type=submit]').click();
      await page.locator('h2', { hasText: 'Tệp có lỗi' }).waitFor();
    });
    await j.scan();
    const columns = await j.column('main table', 1);
    assert.deepEqual(columns, ['Mã loại', 'Nơi áp dụng'], `errors name columns ${columns.join(', ')}`);
    await j.shot('types-import-errors');

    // --- 55 types of the province's own, in one go.
    const rows = [];
    for (let n = 1; n <= 55; n += 1) {
      const places = n % 3 === 0 ? 'trường học' : n % 3 === 1 ? '"thôn, tổ dân phố; xã, phường"' : 'cơ sở tôn giáo';
      rows.push(`${code(n)},Mô hình ${n} của Ninh Bình ${tag},Khu dân cư,${places},Công an tỉnh`);
    }
    await page.locator('#file').setInputFiles(csvFile('loai-ninh-binh.csv', rows));
    await page.locator('form[data-upload] button[type=submit]').click();
    // A preview first; nothing is loaded until it is confirmed.
    const counts = page.locator('p.preview-counts');
    await counts.waitFor();
    await j.scan();
    assert.match(await counts.innerText(), /thêm mới 55 · sửa 0 · không đổi 0/);
    await j.click(page.locator('main button', { hasText: 'Xác nhận ghi' }), { url: /\/model-types\/import\/confirm$/ });
    const ok = page.locator('p.ok[role=status]');
    assert.match(await ok.innerText(), /Đã ghi: thêm mới 55, sửa 0, không đổi 0/);
    await j.shot('types-import-done');

    // The catalogue lists them as the province's, beside the national ones.
    await j.click(ok.locator('a'), { url: /\/model-types$/ });
    const own = page.locator('main table tbody tr', { hasText: `Mô hình 7 của Ninh Bình ${tag}` });
    assert.match(await own.innerText(), /Tỉnh Ninh Bình/);
    const mine = await page.locator('main table tbody tr', { hasText: `của Ninh Bình ${tag}` }).count();
    assert.equal(mine, 55, `the catalogue lists ${mine} of the 55 types`);
    await j.shot('types');

    // --- A field and a kind of place of the province's own, without a
    // release: added on their page, offered by the type form.
    await j.click(page.locator('main a', { hasText: 'Lĩnh vực và loại nơi' }), { url: /\/model-types\/fields$/ });
    const fieldName = `Du lịch ${tag}`;
    const kindName = `Bến thuyền ${tag}`;
    const fields = page.locator('section', { has: page.locator('h2', { hasText: 'Lĩnh vực' }) }).first();
    const kinds = page.locator('section', { has: page.locator('h2', { hasText: 'Loại nơi' }) });
    assert.match(await fields.innerText(), /Phòng cháy, chữa cháy/);
    // A name the lists already hold is refused, and nothing is added.
    await fields.locator('summary').click();
    await fields.locator('input[name=name]').last().fill('khu dân cư');
    await j.expecting(400, /\/model-fields$/, async () => {
      await j.click(fields.locator('form.stack button[type=submit]'), { url: /\/model-fields$/ });
    });
    await j.scan();
    assert.match(await page.locator('main p.error[role=alert]').innerText(), /tên «khu dân cư» đã có/);
    assert.equal(await fields.locator('input[name=name]').last().inputValue(), 'khu dân cư', 'the refused form keeps what was typed');
    await j.shot('fields-refused');
    await j.goto('/model-types/fields');
    await fields.locator('summary').click();
    await fields.locator('input[name=name]').last().fill(fieldName);
    await j.click(fields.locator('form.stack button[type=submit]'), { url: /\/model-types\/fields$/ });
    await kinds.locator('summary').click();
    await kinds.locator('input[name=name]').last().fill(kindName);
    await j.click(kinds.locator('form.stack button[type=submit]'), { url: /\/model-types\/fields$/ });
    await j.scan();
    const ownField = fields.locator('tbody tr', { hasText: 'Tỉnh Ninh Bình' }).filter({ has: page.locator(`input[value="${fieldName}"]`) });
    assert.equal(await ownField.count(), 1, 'the new field is listed as the province\'s');
    assert.equal(await kinds.locator(`input[value="${kindName}"]`).count(), 1, 'the new kind of place is listed');
    await j.shot('fields');
    await j.goto('/model-types');
    assert.equal(await page.locator('#sector option', { hasText: fieldName }).count(), 1, 'the type form offers the new field');
    assert.equal(await page.locator('fieldset label', { hasText: kindName }).count(), 1, 'the type form offers the new kind of place');

    // A national type: read, not changed; hidden for the province, then used
    // again. The two widths run side by side on one server: each hides its
    // own type, or one would find the other's hidden.
    const typeName = j.width < 600 ? 'Liên gia tự quản' : 'Tổ tuần tra nhân dân';
    const national = page.locator('main table tbody tr', { hasText: typeName });
    assert.match(await national.innerText(), /Quốc gia/);
    await j.click(national.locator('a').first(), { url: /\/model-types\/\d+$/ });
    assert.equal(await page.locator('#name').count(), 0, 'province staff get a form to change a national type');
    await j.click(page.locator('main button', { hasText: 'Ẩn ở tỉnh tôi' }), { url: /\/model-types$/ });
    const hidden = page.locator('main table tbody tr', { hasText: typeName });
    assert.match(await hidden.innerText(), /Tỉnh đã ẩn/);
    // A hidden type is not offered for a new model.
    await j.goto('/models/new');
    const offered = await page.locator('#type_id option', { hasText: typeName }).count();
    assert.equal(offered, 0, 'a type hidden by the province is still offered for new models');
    await j.goto('/model-types');
    await j.click(hidden.locator('button', { hasText: 'Dùng lại ở tỉnh tôi' }), { url: /\/model-types$/ });
    assert.doesNotMatch(await national.innerText(), /Tỉnh đã ẩn/);
    await j.logout();

    // --- Another province does not see Ninh Bình's types.
    await j.login('xa.badinh');
    await j.goto('/model-types');
    const seen = await page.locator('main table tbody tr', { hasText: `của Ninh Bình ${tag}` }).count();
    assert.equal(seen, 0, `a commune officer of Hà Nội sees ${seen} of Ninh Bình's types`);
    const listed = await page.locator('main table tbody tr').count();
    assert.ok(listed >= 20, `Hà Nội lists ${listed} national types`);
    await j.goto('/model-types/fields');
    assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(`Du lịch ${tag}`), 'Hà Nội sees Ninh Bình\'s field');
    await j.logout();
  },
};
