'use strict';
// Statistics: a commune officer enters this month's figures on the form,
// each saved when the field is left; a broken rule blocks submission until
// the figure is fixed; the province approves; the analytics page shows a
// table, a chart and files.

module.exports = {
  name: 'statistics',
  title: 'enter figures with autosave, a rule blocks submission, the province approves, analytics',
  async run(j) {
    const { page, assert } = j;

    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/statistics"]'), { url: /\/statistics/ });
    assert.match(await j.text('main h1'), /Số liệu thống kê/);
    await j.shot('overview');
    // The officer's commune is the only row; its form, then the month still open.
    const rows = page.locator('main table tbody tr');
    assert.equal(await rows.count(), 1, 'one commune in scope');
    assert.match(await j.text(rows.first()), /Phường Nam Định/);
    // The two widths run side by side on one server: the phone fills this
    // month's report, the desktop this half-year's (each form is entered,
    // submitted and approved once).
    const phone = j.width < 600;
    const [total, part, message] = phone
      ? ['tin_bao', 'tin_bao_co_gia_tri', /Tin báo có giá trị không thể nhiều hơn/]
      : ['khu_dan_cu', 'khu_dan_cu_an_toan', /Khu dân cư đạt chuẩn không thể nhiều hơn/];
    if (phone) {
      await j.click(rows.first().locator('a', { hasText: 'Mở biểu nhập' }), { url: /\/statistics\/entry\?/ });
      await j.click(page.locator('main a', { hasText: 'Kỳ sau' }), { url: /\/statistics\/entry\?/ });
    } else {
      // The half-year under way, by the state cut-off (from the 15th, a day
      // belongs to the next month's report).
      const d = new Date();
      let month = d.getMonth() + 1 + (d.getDate() >= 15 ? 1 : 0);
      let year = d.getFullYear();
      if (month > 12) { month = 1; year += 1; }
      await j.selectStarting('#data_set', 'Báo cáo 6 tháng');
      await page.locator('#period').fill(`${year}-H${month <= 6 ? 1 : 2}`);
      await j.click(page.locator('main form.filters button[type=submit]'), { url: /\/statistics\?/ });
      await j.click(rows.first().locator('a', { hasText: 'Mở biểu nhập' }), { url: /\/statistics\/entry\?/ });
    }
    const formUrl = new URL(page.url());
    assert.match(await j.text('#state-title'), /Đang nhập/);

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
    await j.shot('analytics');
    const xlsx = await j.download(page.locator('main a', { hasText: 'Tải Excel' }));
    assert.equal(xlsx.bytes.subarray(0, 2).toString(), 'PK', 'an XLSX file');
    await j.logout();
  },
};
