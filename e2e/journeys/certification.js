'use strict';
// Certification "An toàn về an ninh, trật tự": the commune officer sees
// the cases waiting on the home page, registers a residential group,
// assesses it criterion by criterion, submits it; the desktop run returns
// it with a reason and it is assessed again; it is reviewed, decided and
// its certificate printed as a PDF; the phone run then revokes it. An
// officer of another province cannot open the case; the province reads
// the dashboard in both views of the 2025 reform.

module.exports = {
  name: 'certification',
  title: 'register, self-assess, return, decide, certificate PDF, revoke, out of scope, dashboard, overdue, unit page, publish criteria',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;

    await j.login('xa.namdinh');
    // The home page lists the demo's 2027 cases in progress.
    assert.match(await j.text('section.todo'), /Xét công nhận an toàn về ANTT/);
    await j.click(page.locator('header nav a[href="/certifications"]'), { url: /\/certifications$/ });
    assert.match(await j.text('main h1'), /Xét công nhận/);
    assert.ok((await page.locator('main table tbody tr').count()) >= 3, 'the demo cases are listed');
    await j.shot('list');

    // Register: the two widths share one server, each its own group.
    await j.click(page.locator('main a', { hasText: 'Đăng ký xét công nhận' }), { url: /\/certifications\/new/ });
    const now = new Date();
    const month = now.getMonth() + 1;
    const y = now.getFullYear();
    // A residential year runs 1 November – 31 October; registration closes
    // at the end of quarter I: outside that window, a day within it.
    const year = month >= 11 ? y + 1 : y;
    const day = month >= 11 || month <= 3 ? null : `${y}-02-01`;
    await page.locator('#units').fill(phone ? 'Tổ dân phố Vị Xuyên 2' : 'Tổ dân phố Trần Hưng Đạo');
    await page.locator('#year').fill(String(year));
    if (day) await page.locator('#registered_on').fill(day);
    await page.locator('#households').fill('100');
    await j.shot('register-form');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/certifications$/ });
    assert.match(await j.text('main .notice'), /Đã đăng ký: 1/);
    // Registering the same group again for the year is refused, and says why.
    await j.expecting(409, /\/certifications$/, () =>
      j.click(page.locator('main form button[type=submit]')),
    );
    assert.match(await j.text('main .error'), /đã đăng ký năm đánh giá/);
    // Open the case from the list of the year.
    await j.goto(`/certifications?year=${year}&state=registered`);
    await j.click(page.locator('main table a', { hasText: phone ? 'Tổ dân phố Vị Xuyên 2' : 'Tổ dân phố Trần Hưng Đạo' }), { url: /\/certifications\/\d+$/ });
    const caseUrl = new URL(page.url()).pathname;
    assert.match(await j.text('#case-state'), /Đã đăng ký/);
    // Criteria to check against the current law carry their mark.
    assert.ok((await page.locator('.badge.warn').count()) >= 1, 'criteria to check are marked');

    const assess = async () => {
      for (const r of await page.locator('#assess input[type=radio][value=yes]').all()) await r.check();
      await j.click(page.locator('#assess button[type=submit]'), { url: /\/certifications\/\d+$/ });
      assert.match(await j.text('#case-state'), /Đã tự đánh giá/);
    };
    const act = async (label, fill) => {
      const box = page.locator('details.action', { has: page.locator('summary', { hasText: label }) });
      if (!(await box.evaluate((d) => d.open))) await box.locator('summary').click();
      if (fill) await fill(box);
      await j.click(box.locator('button[type=submit]'), { url: /\/certifications\/\d+$/ });
    };
    await assess();
    await j.shot('assessed');
    await act('Gửi thẩm định');
    assert.match(await j.text('#case-state'), /Chờ công an xã thẩm định/);
    if (!phone) {
      await act('Trả lại', (box) => box.locator('input[name=note]').fill('Thiếu biên bản họp chi bộ'));
      assert.match(await j.text('#case-state'), /Bị trả lại/);
      assert.match(await j.text('main'), /Thiếu biên bản họp chi bộ/);
      await j.shot('returned');
      await assess();
      await act('Gửi thẩm định');
    }
    await act('Thẩm định, đề nghị công nhận');
    assert.match(await j.text('#case-state'), /Chờ quyết định công nhận/);
    await act('Quyết định công nhận', async (box) => {
      await box.locator('select[name=classification]').selectOption('kha');
      await box.locator('input[name=decision_no]').fill('125/QĐ-UBND');
    });
    assert.match(await j.text('#case-state'), /Được công nhận/);
    await j.shot('certified');
    // The certificate: a PDF.
    const href = await page.locator('a', { hasText: 'In giấy công nhận' }).getAttribute('href');
    const pdf = await page.request.get(j.url(href));
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    if (phone) {
      await act('Thu hồi công nhận', async (box) => {
        await box.locator('input[name=decision_no]').fill('130/QĐ-UBND');
        await box.locator('input[name=reason]').fill('Xảy ra vụ việc phức tạp về an ninh');
      });
      assert.match(await j.text('#case-state'), /Bị thu hồi công nhận/);
      await j.shot('revoked');
    }
    // The unit's page keeps its certification history.
    await j.click(page.locator('main dl a[href^="/org-units/"]').first(), { url: /\/org-units\/\d+$/ });
    assert.match(await j.text('#certification'), phone ? /Bị thu hồi công nhận/ : /Được công nhận/);
    await j.shot('unit');
    await j.logout();

    // Another province's officer: as if the case did not exist.
    await j.login('xa.badinh');
    await j.goto(caseUrl, { status: 404 });
    await j.goto('/home');
    await j.logout();

    // The province's dashboard, in both views.
    await j.login('tinh.ninhbinh');
    await j.goto('/certifications/summary?year=2026');
    assert.match(await j.text('#areas'), /Phường Nam Định/);
    assert.match(await j.text('#trend'), /Khu dân cư/);
    await j.shot('summary-now');
    // Steps overdue by level: the demo's enterprise self-assessed in March
    // and never sent its assessment on.
    await j.click(page.locator('#overdue + table a.late').first(), { url: /overdue=1/ });
    assert.match(await j.text('main table.cards'), /Công ty Dệt may Nam Định/);
    assert.match(await j.text('main table.cards'), /Quá hạn/);
    await j.shot('overdue');
    await j.goto('/certifications/summary?year=2026');
    await page.locator('#s_view').selectOption('as_was');
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /view=as_was/ });
    assert.ok((await page.locator('#areas tbody tr').count()) >= 1);
    await j.shot('summary-was');
    await j.logout();

    // An administrator publishes a new version of a kind's criteria from
    // the filled form (each width its own kind: they share one server).
    await j.login('admin');
    const kind = phone ? 'religious' : 'enterprise';
    await j.goto(`/certifications/criteria/new?kind=${kind}`);
    await page.locator('#from_year').fill('2030');
    await page.locator('#title').fill('Bộ tiêu chí sửa đổi');
    await j.shot('publish-form');
    await j.click(page.locator('#publish button[type=submit]'), { url: /\/certifications\/criteria#set-\d+$/ });
    assert.match(await j.text('main'), /áp dụng từ năm 2030/);
    await j.logout();
  },
};
