'use strict';
// The models capability as province staff of Ninh Bình: filter the list,
// open a model, create one from a commune's page, edit it, rate it
// (exemplar), log an activity, change its status, read its history, export
// the list, use the matrix and its map, and import a file (a bad one that
// imports nothing, then a good one).

// Each width files its models in a commune of its own, so that the two
// widths, which run side by side, do not change each other's counts.
const COMMUNES = { phone: { q: 'bac ly', name: 'Xã Bắc Lý' }, desktop: { q: 'binh luc', name: 'Xã Bình Lục' } };

const IMPORT_HEADER = 'Tên mô hình,Mã loại,ID đơn vị,Ngày thành lập';

function csvFile(name, rows) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`${[IMPORT_HEADER, ...rows].join('\n')}\n`, 'utf8') };
}

module.exports = {
  name: 'models',
  title: 'filter, open, create, edit, status, rating, activity, history, export, matrix, import',
  async run(j) {
    const { page, assert, tag } = j;
    await j.login('tinh.ninhbinh');

    // --- The list and its filters -------------------------------------
    await j.click(page.locator('header nav a[href="/models"]'));
    assert.equal(new URL(page.url()).pathname, '/models');
    const total = await j.count();
    assert.ok(total >= 250, `only ${total} demo models listed`);

    await page.locator('#q').fill('camera');
    await j.openFilters();
    await j.selectStarting('#type', 'Camera an ninh');
    await page.locator('#status').selectOption('active');
    await j.selectStarting('#org_unit', 'Tỉnh Ninh Bình');
    await j.click(page.locator('form[role=search] button[type=submit]'), { url: /type=\d+/ });
    const cameras = await j.count();
    assert.ok(cameras > 0 && cameras < total, `camera filter gave ${cameras} of ${total}`);
    for (const t of await j.column('main table', 1)) assert.equal(t, 'Camera an ninh', 'type filter leaks other types');
    for (const s of await j.column('main table', 4)) assert.match(s, /^Đang hoạt động/, 'status filter leaks');
    await j.shot('list-filtered');

    // Field instead of type, as of a date before the reorganisation.
    await page.locator('#q').fill('');
    await j.openFilters();
    await page.locator('#type').selectOption('');
    await page.locator('#field').selectOption('residential');
    await page.locator('#as_of').fill('2025-06-30');
    await j.click(page.locator('form[role=search] button[type=submit]'), { url: /as_of=2025-06-30/ });
    const residentialThen = await j.count();
    assert.match(await j.text('p.count'), /30\/06\/2025/);
    assert.ok(residentialThen > 0 && residentialThen < total, `field+as_of filter gave ${residentialThen}`);

    // Text search without diacritics.
    await j.click(page.locator('header nav a[href="/models"]'));
    await page.locator('#q').fill('tu quan giao thong');
    await j.click(page.locator('form[role=search] button[type=submit]'), { url: /q=tu/ });
    const found = await j.column('main table', 0);
    assert.ok(found.length > 0, 'no model for "tu quan giao thong"');
    for (const n of found) assert.match(n, /Tự quản giao thông/i, `"tu quan giao thong" found "${n}"`);

    // Open one.
    const first = page.locator('main table tbody a').first();
    const firstName = (await first.innerText()).trim();
    await j.click(first, { url: /\/models\/\d+$/ });
    assert.equal(await j.text('h1'), firstName);

    // --- Create from a commune page ------------------------------------
    await j.click(page.locator('header nav a[href="/org-units"]'));
    await page.locator('#level').selectOption('commune');
    const commune = j.width < 600 ? COMMUNES.phone : COMMUNES.desktop;
    await j.searchAsYouType('#q', commune.q);
    const row = page.locator('main table tbody tr', { hasText: 'Tỉnh Ninh Bình' });
    await j.click(row.locator('a', { hasText: new RegExp(`^${commune.name}$`) }).first());
    assert.equal(await j.text('h1'), commune.name);
    const communeId = /\/org-units\/(\d+)/.exec(page.url())[1];
    await j.click(page.locator('a', { hasText: 'Thêm mô hình tại đây' }), { url: /\/models\/new\?org_unit_id=\d+/ });
    // The unit is named as people know it (name, province, code), never by its id.
    const unitText = await page.locator('#org_unit').inputValue();
    assert.ok(unitText.startsWith(`${commune.name}, Tỉnh Ninh Bình (`), `the unit reads "${unitText}"`);
    assert.ok(!unitText.includes(communeId), `the form shows the internal id ${communeId}`);
    const name = `E2E camera ${commune.name.replace(/^Xã /, '')} ${tag}`;
    await j.selectStarting('#type_id', 'Camera an ninh');
    await page.locator('#name').fill(name);
    await page.locator('#founded_on').fill('2025-08-01');
    await page.locator('#decision_no').fill(`12/QĐ-E2E-${tag}`);
    await page.locator('#decision_date').fill('2025-07-25');
    await page.locator('#decision_issuer').fill(`UBND ${commune.name.toLowerCase()}`);
    await page.locator('#members').fill('12');
    await page.locator('#households').fill('40');
    await page.locator('#leader_name').fill('Trần Văn An');
    await page.locator('#leader_role').fill('Trưởng thôn');
    await page.locator('#tags').fill('Xây dựng làng văn hoá\nPhòng chống ma tuý');
    await j.shot('new-form');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/models\/\d+$/ });
    assert.equal(await j.text('h1'), name);
    const modelUrl = page.url();
    assert.ok((await j.text('main dl')).includes(commune.name), 'the model page does not name its commune');
    assert.match(await j.text('main dl'), /Xây dựng làng văn hoá, Phòng chống ma tuý/, 'tags not shown one by one');

    // --- Edit ----------------------------------------------------------
    await j.click(page.locator('a.button', { hasText: 'Sửa mô hình' }), { url: /\/edit$/ });
    const edited = `${name} (đã sửa)`;
    assert.equal(await page.locator('#name').inputValue(), name, 'the edit form does not hold the name');
    const tags = await page.locator('#tags').inputValue();
    assert.equal(tags.split(/\r?\n/).map((t) => t.trim()).filter(Boolean).join('|'), 'Xây dựng làng văn hoá|Phòng chống ma tuý', `the edit form holds tags "${tags}"`);
    await page.locator('#name').fill(edited);
    await page.locator('#members').fill('15');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/models\/\d+$/ });
    assert.equal(await j.text('h1'), edited);
    assert.match(await j.text('main dl'), /15/);
    assert.match(await j.text('main dl'), /Xây dựng làng văn hoá, Phòng chống ma tuý/, 'tags changed by an edit that did not touch them');

    // --- Rating (exemplar), activity, status ----------------------------
    await page.locator('details:has(form[action$="/ratings"]) > summary').click();
    await page.locator('#r_rating').selectOption('good');
    await page.locator('#r_rater').fill('Công an tỉnh Ninh Bình');
    await page.locator('#r_note').fill('Hoạt động hiệu quả');
    await page.locator('form[action$="/ratings"] input[name=exemplar]').check();
    await j.click(page.locator('form[action$="/ratings"] button[type=submit]'));
    await page.locator('h1 .badge', { hasText: 'Điển hình' }).waitFor();
    const ratings = page.locator('section.card', { has: page.locator('h2', { hasText: 'Xếp loại' }) });
    assert.match(await ratings.locator('tbody').innerText(), /Tốt/);

    await page.locator('#a_desc').fill('Kiểm tra camera định kỳ');
    await page.locator('#a_part').fill('5');
    await j.click(page.locator('form[action$="/activities"] button[type=submit]'));
    const activities = page.locator('section.card', { has: page.locator('form[action$="/activities"]') });
    assert.match(await activities.locator('tbody').innerText(), /Kiểm tra camera định kỳ/);
    if (j.width < 600) {
      const hidden = await j.hiddenColumns(activities.locator('table'));
      j.knownBug(hidden.length === 0, `on a phone a model's activities hide the column "${hidden.join(', ')}" just entered`);
    }

    await page.locator('details:has(form[action$="/status"]) > summary').click();
    await page.locator('#st_status').selectOption('paused');
    await page.locator('#st_reason').fill('Tạm dừng để sửa chữa');
    await j.click(page.locator('form[action$="/status"] button[type=submit]'));
    assert.match(await j.text('main dl'), /Tạm dừng/);

    // History: every write above is there, translated.
    const history = page.locator('section.card').last();
    const historyRows = await history.locator('tbody tr').count();
    assert.ok(historyRows >= 5, `history shows ${historyRows} rows after create, edit, rating, activity, status`);
    await j.shot('model-page');

    // --- Export the list ----------------------------------------------
    await j.click(page.locator('header nav a[href="/models"]'));
    await page.locator('#q').fill('E2E camera');
    await j.click(page.locator('form[role=search] button[type=submit]'), { url: /q=E2E/ });
    assert.ok((await j.count()) >= 1);
    const xlsx = await j.download(page.locator('p.count a', { hasText: 'Tải Excel' }));
    assert.match(xlsx.name, /\.xlsx$/, `XLSX export named ${xlsx.name}`);
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'the XLSX export is not a zip');
    const csv = await j.download(page.locator('p.count a', { hasText: 'Tải CSV' }));
    assert.match(csv.name, /\.csv$/, `CSV export named ${csv.name}`);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV export lacks the UTF-8 BOM');
    const csvText = csv.bytes.toString('utf8');
    assert.ok(csvText.includes('Tên mô hình'), 'CSV lacks its header');
    assert.ok(csvText.includes(edited), 'CSV lacks the model just created');

    // --- Matrix, map, and through a cell to the list ---------------------
    await j.click(page.locator('p.quick a', { hasText: 'Ma trận mô hình' }), { url: /\/models\/matrix/ });
    const circles = await page.locator('section.map svg circle').count();
    assert.ok(circles > 0, 'the matrix map has no circles');
    await j.shot('matrix');
    if (j.width < 600) {
      const hidden = await j.hiddenColumns('table.matrix');
      j.knownBug(hidden.length === 0, `on a phone the matrix hides its column "${hidden.join(', ')}" (app.css hides every table's 4th column under 600px)`);
    }
    // A cell of a commune neither width writes to.
    const others = page.locator('table.matrix tbody tr').filter({
      hasNot: page.locator('th', { hasText: new RegExp(`^(${COMMUNES.phone.name}|${COMMUNES.desktop.name})$`) }),
    });
    const cell = others.locator('td.num:not(:last-child) a').first();
    const n = Number((await cell.innerText()).trim());
    assert.ok(n > 0);
    await j.click(cell, { url: /\/models\?/ });
    assert.equal(await j.count(), n, 'the list behind a matrix cell does not hold the cell\'s count');

    // --- Import: a bad file imports nothing ------------------------------
    await j.click(page.locator('p.quick a', { hasText: 'Nhập từ tệp' }), { url: /\/models\/import/ });
    const bad = csvFile('mo-hinh-loi.csv', [
      `E2E nhập lỗi ${tag} A,camera_an_ninh,${communeId},2025-09-01`,
      `E2E nhập lỗi ${tag} B,khong_co_loai_nay,${communeId},2025-09-01`,
    ]);
    await page.locator('#file').setInputFiles(bad);
    await j.expecting(422, /\/models\/import/, async () => {
      await page.locator('form[data-upload] button[type=submit]').click();
      await page.locator('h2', { hasText: 'Tệp có lỗi' }).waitFor();
    });
    await j.scan();
    const problems = await j.column('main table', 1);
    assert.ok(problems.length >= 1, 'no per-row error shown');
    assert.ok(problems.includes('Mã loại'), `errors name columns ${problems.join(', ')}, not "Mã loại"`);
    await j.shot('import-errors');
    const report = await j.download(page.locator('a', { hasText: 'Tải báo cáo lỗi' }));
    assert.equal(report.bytes.subarray(0, 2).toString('latin1'), 'PK', 'the error report is not an XLSX file');

    // --- and a good one imports every row.
    const good = csvFile('mo-hinh.csv', [
      `E2E nhập ${tag} camera,camera_an_ninh,${communeId},2025-09-01`,
      `E2E nhập ${tag} tuần tra,to_tuan_tra_nhan_dan,${communeId},2025-09-15`,
    ]);
    await page.locator('#file').setInputFiles(good);
    await page.locator('form[data-upload] button[type=submit]').click();
    // First what the file would do, nothing written; then the confirmation.
    const counts = page.locator('p.preview-counts');
    await counts.waitFor();
    await j.scan();
    assert.match(await counts.innerText(), /thêm mới 2 · sửa 0 · không đổi 0/);
    await j.shot('import-preview');
    await j.click(page.locator('main button', { hasText: 'Xác nhận ghi' }), { url: /\/models\/import\/confirm$/ });
    const ok = page.locator('p.ok[role=status]');
    assert.match(await ok.innerText(), /Đã ghi: thêm mới 2, sửa 0, không đổi 0/);
    await j.shot('import-done');

    // The list holds the good file's rows and none of the bad file's.
    await j.click(ok.locator('a'), { url: /\/models$/ });
    await page.locator('#q').fill(`E2E nhap ${tag}`);
    await j.click(page.locator('form[role=search] button[type=submit]'), { url: /q=E2E/ });
    assert.equal(await j.count(), 2, 'imported rows not found by a search without diacritics');

    // --- A round trip: the list exported, one cell edited, imported again:
    // the preview shows that one change, before → after, and the rest unchanged.
    const exported = await j.download(page.locator('main a', { hasText: 'CSV' }));
    const text = exported.bytes.toString('utf8');
    assert.ok(text.includes(`E2E nhập ${tag} camera`), 'the export holds the imported rows');
    const editedCsv = text.replace(`E2E nhập ${tag} camera`, `E2E nhập ${tag} camera sửa`);
    await j.goto('/models/import');
    await page.locator('#file').setInputFiles({ name: 'mo-hinh-sua.csv', mimeType: 'text/csv', buffer: Buffer.from(editedCsv, 'utf8') });
    await page.locator('form[data-upload] button[type=submit]').click();
    await counts.waitFor();
    await j.scan();
    assert.match(await counts.innerText(), /thêm mới 0 · sửa 1 · không đổi 1/);
    const change = page.locator('main section.card tbody tr').first();
    assert.match(await change.innerText(), new RegExp(`Tên mô hình\\s+E2E nhập ${tag} camera\\s+E2E nhập ${tag} camera sửa`));
    await j.shot('import-round-trip');
    await j.click(page.locator('main button', { hasText: 'Xác nhận ghi' }), { url: /\/models\/import\/confirm$/ });
    assert.match(await ok.innerText(), /Đã ghi: thêm mới 0, sửa 1, không đổi 1/);
    await j.goto(`/models?q=${encodeURIComponent(`E2E nhap ${tag} camera sua`)}`);
    assert.equal(await j.count(), 1, 'the edited name was not written');
    // An imported model's page says where it came from.
    await j.click(page.locator('main table tbody a[href^="/models/"]').first(), { url: /\/models\/\d+$/ });
    const importedHistory = await page.locator('section.card').last().locator('tbody tr').count();
    j.knownBug(importedHistory > 0, `an imported model (${new URL(page.url()).pathname}) has an empty "Lịch sử thay đổi"`);
    await page.goBack();
    await page.waitForLoadState('load');
    await page.locator('#q').fill(`E2E nhap loi ${tag}`);
    await j.click(page.locator('form[role=search] button[type=submit]'), { url: /q=E2E/ });
    assert.equal(await j.count(), 0, 'a row of the refused file was imported');

    // Back to the model created above, to end on its page.
    await j.goto(new URL(modelUrl).pathname);
  },
};
