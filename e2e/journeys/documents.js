'use strict';
// Documents: the province's officer finds the demo's directive without
// diacritics, registers a plan (a date out of order is refused and the
// form keeps what was typed), attaches its PDF (whose words are then
// found by the search), links it to a model type and sees it on that
// type's page; an officer of another province's commune cannot open it.

/** A one-page PDF whose text is `words` (Helvetica, WinAnsi). */
function pdf(words) {
  const stream = `BT /F1 14 Tf 72 720 Td (${words}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

module.exports = {
  name: 'documents',
  title: 'search without diacritics, register (bad date refused), attach a PDF searched by its text, link to a model type, shown on its page, out of scope',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const number = `${phone ? 39 : 136}/KH-CAT`;
    const word = phone ? 'xungkichdienthoai' : 'xungkichmaytinh';
    const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);

    await j.login('tinh.ninhbinh');
    await j.click(page.locator('header nav a[href="/documents"]'), { url: /\/documents$/ });
    await page.locator('#f_q').fill('chi thi 19');
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /q=chi\+thi\+19/ });
    assert.match(await j.text('main table'), /19-CT\/TU/);
    await j.shot('search');

    // A plan of the province, its last day before its first refused.
    await j.click(page.locator('main a', { hasText: 'Đăng ký văn bản' }), { url: /\/documents\/new$/ });
    await page.locator('#kind').selectOption('ke_hoach');
    await page.locator('#number').fill(number);
    await page.locator('#issued_on').fill(yesterday);
    await page.locator('#issuers').fill('Công an tỉnh Ninh Bình\nTỉnh đoàn Ninh Bình');
    await page.locator('#subject').fill('Kế hoạch liên tịch ra quân thanh niên xung kích bảo vệ an ninh trật tự');
    await page.locator('#level').selectOption('province');
    await page.locator('#unit').fill('Tỉnh Ninh Bình');
    await page.locator('#in_force_until').fill('2020-01-01');
    await j.shot('new');
    await j.expecting(400, /\/documents$/, () => j.click(page.locator('main form.stack button[type=submit]')));
    assert.match(await j.text('main .error'), /hết hiệu lực/);
    assert.equal(await page.locator('#number').inputValue(), number);
    await page.locator('#in_force_until').fill('');
    await j.click(page.locator('main form.stack button[type=submit]'), { url: /\/documents\/\d+$/ });
    const docUrl = new URL(page.url()).pathname;
    assert.match(await j.text('main h1'), new RegExp(number.replace('/', '\\/')));

    // Its PDF attached: the words inside it find the plan.
    await page.locator('#file').setInputFiles({ name: 'ke-hoach.pdf', mimeType: 'application/pdf', buffer: pdf(`Ke hoach ${word} 2026`) });
    await j.click(page.locator('#files form button[type=submit]'), { url: /#files$/ });
    assert.match(await j.text('#files'), /ke-hoach\.pdf/);
    await j.goto(`/documents?q=${word}`);
    assert.match(await j.text('main table'), new RegExp(number.replace('/', '\\/')));

    // Linked to a model type: the type's page lists the plan.
    await j.goto(docUrl);
    const option = page.locator('#target option', { hasText: 'Tổ tuần tra nhân dân' }).first();
    await page.locator('#target').selectOption(await option.getAttribute('value'));
    await j.click(page.locator('#links form button[type=submit]'), { url: /#links$/ });
    await j.shot('linked');
    await j.click(page.locator('#links a', { hasText: 'Tổ tuần tra nhân dân' }).first(), { url: /\/model-types\/\d+$/ });
    assert.match(await j.text('#documents'), new RegExp(number.replace('/', '\\/')));
    await j.shot('model-type');
    await j.logout();

    // Hà Nội's commune officer: not there.
    await j.login('xa.badinh');
    await j.goto(docUrl, { status: 404 });
    await j.goto('/home');
    await j.logout();
  },
};
