'use strict';
// Statistics: a commune officer enters this month's figures on the form,
// each saved when the field is left; a broken rule blocks submission until
// the figure is fixed; the province approves; the analytics page shows a
// table, a chart and files; it adds an indicator on the definitions form
// and enters figures from a file.

module.exports = {
  name: 'statistics',
  title: 'enter figures with autosave, a rule blocks submission, the province approves, analytics',
  async run(j) {
    const { page, assert, tag } = j;

    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/statistics"]'), { url: /\/statistics/ });
    assert.match(await j.text('main h1'), /Số liệu thống kê/);
    await j.shot('overview');
    // The officer's commune is the only row; its form, then the month still open.
    const rows = page.locator('main table tbody tr');
    assert.equal(await rows.count(), 1, 'one commune in scope');
    assert.match(await j.text(rows.first()), /Phường Nam Định/);
    // The two widths run side by side on one server: the phone fills this
    // month's report, the desktop this assessment year's certification
    // form (each form is entered, submitted and approved once); the
    // certification register counts the units, the households are typed.
    const phone = j.width < 600;
    const [total, part, message] = phone
      ? ['camera_lap_dat', 'camera_ket_noi', /Camera đã kết nối không thể nhiều hơn/]
      : ['so_ho_gia_dinh', 'so_ho_dang_ky', /Số hộ đăng ký không thể nhiều hơn/];
    if (phone) {
      await j.click(rows.first().locator('a', { hasText: 'Mở biểu nhập' }), { url: /\/statistics\/entry\?/ });
      await j.click(page.locator('main a', { hasText: 'Kỳ sau' }), { url: /\/statistics\/entry\?/ });
    } else {
      // The assessment year under way: from 1 November a day belongs to
      // the next year's certification.
      const d = new Date();
      const year = d.getFullYear() + (d.getMonth() + 1 >= 11 ? 1 : 0);
      // Choosing the data set shows its own periods at once.
      await j.nav(() => j.selectStarting('#data_set', 'Kết quả xét công nhận'));
      await page.locator('#period').selectOption(`${year}`);
      await j.click(page.locator('main form.filters button[type=submit]'), { url: /\/statistics\?/ });
      await j.click(rows.first().locator('a', { hasText: 'Mở biểu nhập' }), { url: /\/statistics\/entry\?/ });
    }
    const formUrl = new URL(page.url());
    assert.match(await j.text('#state-title'), /Đang nhập/);
    if (phone) {
      // The models register counts the model figures: no field to type in,
      // the source beside the figure, and the figure is what the register
      // holds on the period's last day (the 14th, by the state cut-off).
      assert.equal(await page.locator('#v_so_mo_hinh').count(), 0, 'a computed figure has no field');
      const row = page.locator('tr', { has: page.locator('output[data-computed="so_mo_hinh"]') });
      assert.match(await j.text(row), /Tự tính, lưu khi gửi báo cáo/);
      const shown = Number(await j.text('output[data-computed="so_mo_hinh"]'));
      const unit = formUrl.searchParams.get('org_unit');
      const period = formUrl.searchParams.get('period');
      const answer = await page.request.get(j.url(`/api/v1/models?org_unit=${unit}&as_of=${period}-14&status=active&per_page=1`));
      assert.equal(answer.status(), 200);
      assert.equal(shown, (await answer.json()).total, 'the register\'s active models on the last day');
      assert.ok(shown > 0, 'the demo has active models at Phường Nam Định');
    }

    // Each figure is saved when its field is left, and says so.
    const first = page.locator(`#v_${total}`);
    await first.fill('7');
    await first.press('Tab');
    await page.locator(`output[data-state="${total}"]`, { hasText: 'đã lưu' }).waitFor({ timeout: 10000 });
    const second = page.locator(`#v_${part}`);
    await second.fill('9');
    await second.press('Tab');
    await page.locator(`output[data-state="${part}"]`, { hasText: 'đã lưu' }).waitFor({ timeout: 10000 });
    await j.shot('autosaved');

    // The part larger than the whole: the error rule refuses the submission.
    await j.expecting(400, /\/statistics\/approval/, () =>
      j.click(page.locator('main button[name=action][value=submit]')),
    );
    assert.match(await j.text('main .error'), message);
    await j.shot('refused');
    // Fixed on the same page (without script the form saves everything);
    // a figure far from the commune's earlier months is a warning that a
    // comment answers.
    await page.locator(`#v_${part}`).fill('3');
    for (const code of [total, part]) {
      await page.locator(`input[name="c_${code}"]`).fill('Đã đối chiếu với sổ tiếp nhận');
    }
    await j.click(page.locator('main form#entry button[type=submit]'), { url: /saved=1/ });
    assert.equal(await page.locator(`#v_${part}`).inputValue(), '3');
    await j.click(page.locator('main button[name=action][value=submit]'), { url: /\/statistics\/entry\?/ });
    assert.match(await j.text('#state-title'), /Đã nộp/);
    assert.ok(await page.locator(`#v_${total}`).evaluate((el) => el.readOnly), 'a submitted form is locked');
    if (phone) {
      const row = page.locator('tr', { has: page.locator('output[data-computed="so_mo_hinh"]') });
      assert.match(await j.text(row), /Tự tính khi gửi báo cáo/, 'the register\'s figure was stored at submission');
      await j.shot('computed-stored');
    }
    await j.logout();

    // The province approves.
    await j.login('tinh.ninhbinh');
    await j.goto(formUrl.pathname + formUrl.search);
    await j.click(page.locator('main button[name=action][value=approve]'), { url: /\/statistics\/entry\?/ });
    assert.match(await j.text('#state-title'), /Đã duyệt/);
    assert.match(await j.text('main'), /duyệt/);

    // Analytics: the province's communes, a table, a chart, files.
    await j.click(page.locator('header nav a[href="/statistics"]'));
    await j.click(page.locator('main a', { hasText: 'Phân tích số liệu' }), { url: /\/statistics\/analytics/ });
    assert.ok((await page.locator('main table.matrix tbody tr').count()) > 5, 'the communes of Ninh Bình');
    assert.ok((await page.locator('main svg').count()) >= 1, 'a chart');
    // The chart says what it shows, and how much of the table it draws.
    const title = await page.locator('figure.chart svg title').first().textContent();
    assert.match(title, /Tỉnh Ninh Bình/, `the chart is titled "${title}"`);
    assert.doesNotMatch(title, /^Biểu đồ$/);
    if ((await page.locator('figure.chart figcaption').count()) > 0) {
      assert.match(await j.text(page.locator('figure.chart figcaption').first()), /Biểu đồ vẽ \d+ \/ \d+ đơn vị/);
    }
    // Periods are chosen as spans, not typed as codes.
    assert.equal(await page.locator('#span').inputValue(), 'years5');
    await page.locator('#span').selectOption('months12');
    await j.click(page.locator('form[action="/statistics/analytics"] button[type=submit]'), { url: /span=months12/ });
    assert.ok((await page.locator('main table.matrix thead th').count()) >= 12, 'twelve months as columns');
    await j.shot('analytics');
    const xlsx = await j.download(page.locator('main a', { hasText: 'Tải Excel' }));
    assert.equal(xlsx.bytes.subarray(0, 2).toString(), 'PK', 'an XLSX file');

    // Definitions: an indicator added on its form shows in the list.
    await j.goto('/statistics/definitions');
    await j.click(page.locator('main a', { hasText: 'Thêm chỉ tiêu' }), { url: /\/statistics\/indicators\/new/ });
    const code = `e2e_chi_tieu_${tag}`;
    await page.locator('#code').fill(code);
    await page.locator('#name').fill(`Chỉ tiêu thử ${tag}`);
    // The province's own indicator, on the national monthly form.
    await j.selectStarting('#join', 'Báo cáo tháng');
    await j.shot('definition-form');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/statistics\/definitions$/ });
    const added = page.locator('main tr', { hasText: code });
    assert.match(await j.text(added), /Tỉnh Ninh Bình/, 'the indicator is the province\'s own');
    // A national rule hidden for the province, then used again (each width
    // its own rule: they run side by side).
    const expression = phone ? 'camera_ket_noi <= camera_lap_dat' : 'luot_tap_huan >= lop_tap_huan';
    const rule = page.locator('main li', { hasText: expression });
    await j.click(rule.locator('button', { hasText: 'Ẩn ở tỉnh tôi' }), { url: /\/statistics\/definitions$/ });
    assert.match(await j.text(rule), /Tỉnh đã ẩn/);
    await j.shot('rule-hidden');
    await j.click(rule.locator('button', { hasText: 'Dùng lại ở tỉnh tôi' }), { url: /\/statistics\/definitions$/ });
    assert.doesNotMatch(await j.text(rule), /Tỉnh đã ẩn/);
    // A national indicator: shown to the province's staff, not changed.
    await j.click(page.locator('main a', { has: page.locator('code', { hasText: /^tin_bao$/ }) }), { url: /\/statistics\/indicators\/\d+$/ });
    assert.match(await j.text('main'), /thuộc danh mục quốc gia/);
    assert.equal(await page.locator('main form button[type=submit]').count(), 0, 'no save button on a national indicator');
    assert.ok(await page.locator('#name').isDisabled(), 'the fields of a national indicator are read only');

    // Bulk entry from a file (2022 figures of legacy Vị Xuyên, by its code):
    // a bad row writes nothing, a good file writes every value.
    await j.goto('/statistics/import');
    const month = phone ? '2022-05' : '2022-06';
    const figures = (name, rows) => ({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(`${['Mã đơn vị,Kỳ,Mã chỉ tiêu,Giá trị', ...rows].join('\n')}\n`, 'utf8'),
    });
    await page.locator('#file').setInputFiles(figures('so-lieu-loi.csv', [`13636,${month},ca_tuan_tra,3`, `13636,${month},khong_co,1`]));
    await j.expecting(422, /\/statistics\/import/, async () => {
      await page.locator('form[data-upload] button[type=submit]').click();
      await page.locator('h2', { hasText: 'Tệp có lỗi' }).waitFor();
    });
    await j.scan();
    const columns = await j.column('main table', 1);
    assert.ok(columns.includes('Mã chỉ tiêu'), `errors name columns ${columns.join(', ')}, not "Mã chỉ tiêu"`);
    await j.shot('import-errors');
    await page.locator('#file').setInputFiles(figures('so-lieu.csv', [`13636,${month},ca_tuan_tra,3`, `13636,${month},vu_hoa_giai,"1,0"`]));
    await page.locator('form[data-upload] button[type=submit]').click();
    // What the file would do first; written once confirmed.
    const counts = page.locator('p.preview-counts');
    await counts.waitFor();
    await j.scan();
    const [, newRows, changedRows] = /thêm mới (\d+) · sửa (\d+) · không đổi 0/.exec(await counts.innerText()) || [];
    assert.equal(Number(newRows) + Number(changedRows), 2, `the preview says ${await counts.innerText()}`);
    await j.shot('import-preview');
    await j.click(page.locator('main button', { hasText: 'Xác nhận ghi' }), { url: /\/statistics\/import\/confirm$/ });
    const ok = page.locator('p.ok[role=status]');
    assert.match(await ok.innerText(), new RegExp(`Đã ghi: thêm mới ${newRows}, sửa ${changedRows}, không đổi 0`));
    await j.shot('import-done');
    await j.logout();
  },
};
