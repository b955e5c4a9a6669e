'use strict';
// Reviews: the province's officer starts a five-year review of Ninh Bình
// (as it was on a computer, as it is now on a phone), drafts its results
// from the figures and saves them, writes its limitations; the ward's
// officer answers it with the ward's own review and issues it; an
// administrator answers for a second commune; the province sees both
// submitted and their figures agree, issues its review under a number
// (the number of another of its reports this year is refused beside the form) and downloads the
// DOCX and the PDF; an officer of Hà Nội gets 404.

const assert = require('node:assert/strict');

module.exports = {
  name: 'reviews',
  title: 'a five-year review of Ninh Bình written, two communes compiled, issued as DOCX and PDF',
  async run(j) {
    const { page } = j;
    const phone = j.width < 600;
    const view = phone ? 'as_now' : 'as_was';
    const subject = `Tổng kết 5 năm phong trào giai đoạn 2021 - 2025 (${phone ? 'điện thoại' : 'máy tính'})`;
    const number = phone ? '31/BC-CAT' : '32/BC-CAT';

    await j.login('tinh.ninhbinh');
    await j.click(page.locator('header nav a[href="/reviews"]'), { url: /\/reviews$/ });
    await j.shot('list');
    await j.click(page.locator('main a[href="/reviews/new"]'), { url: /\/reviews\/new$/ });
    await page.locator('#kind').selectOption('final');
    await page.locator('#subject').fill(subject);
    await page.locator('#from').fill('2021-01');
    await page.locator('#to').fill('2025-12');
    await page.locator('#view').selectOption(view);
    await j.click(page.locator('main form button[type=submit]'), { url: /\/reviews\/\d+$/ });
    const url = new URL(page.url()).pathname;
    const id = url.split('/').pop();
    assert.equal(await j.text('main h1'), subject);
    assert.match(await j.text('main'), /Xây dựng, nhân rộng mô hình/);
    assert.match(await j.text('main'), /giai đoạn 2016 - 2020/);
    await j.shot('started');

    // The results drafted from the figures, edited and saved; a second section.
    await j.click(page.locator('#s-results a', { hasText: 'Soạn từ mẫu' }), { url: /draft=results/ });
    const drafted = await page.locator('#body-results').inputValue();
    assert.match(drafted, /- Mô hình đang hoạt động cuối kỳ: /);
    await page.locator('#body-results').fill(`Phong trào phát triển rộng khắp.\n${drafted}`);
    await j.click(page.locator('#s-results button[type=submit]'), { url: new RegExp(`${url}`) });
    assert.match(await j.text('#s-results'), /Phiên bản 1/);
    await page.locator('#body-limitations').fill('Một số mô hình còn hình thức.');
    await j.click(page.locator('#s-limitations button[type=submit]'), { url: new RegExp(`${url}`) });
    assert.match(await j.text('#s-limitations'), /Phiên bản 1/);
    await j.shot('written');
    await j.logout();

    // The ward answers with its own review, and issues it.
    await j.login('xa.namdinh');
    await j.goto(url);
    await j.click(page.locator('main a', { hasText: 'Gửi báo cáo của đơn vị mình' }), { url: /\/reviews\/new\?answers_id=/ });
    assert.equal(await page.locator('#from').inputValue(), '2021-01');
    await page.locator('#subject').fill(`Tổng kết 5 năm tại phường Nam Định (${phone ? 'điện thoại' : 'máy tính'})`);
    await j.click(page.locator('main form button[type=submit]'), { url: /\/reviews\/\d+$/ });
    await page.locator('#body-results').fill('Phường duy trì tổ tuần tra nhân dân ở mọi tổ dân phố.');
    await j.click(page.locator('#s-results button[type=submit]'), { url: /\/reviews\/\d+/ });
    await page.locator('#number').fill(phone ? '41/BC-CAP' : '42/BC-CAP');
    await page.locator('#place').fill('Nam Định');
    await page.locator('#signer_title').fill('TRƯỞNG CÔNG AN PHƯỜNG');
    await page.locator('#signer_name').fill('Phạm Văn Hùng');
    await page.locator('#recipients').fill('- Công an tỉnh (PV05);\n- Lưu: VT.');
    await j.click(page.locator('#issue button[type=submit]'), { url: /\/reviews\/\d+$/ });
    assert.match(await j.text('main dl'), /Đã ban hành/);
    await j.shot('ward-issued');
    await j.logout();

    // A second commune, answered by an administrator (the demo has one
    // commune officer in Ninh Bình).
    await j.login('admin');
    const compiled = await (await page.request.get(j.url(`/api/v1/reviews/${id}/submissions`))).json();
    const other = compiled.units.find((u) => !u.review);
    assert.ok(other, 'a commune has not answered yet');
    await j.goto(`/reviews/new?answers_id=${id}`);
    await page.locator('#org_unit_id').fill(String(other.org_unit_id));
    await page.locator('#subject').fill(`Tổng kết 5 năm tại ${other.org_unit_name}`);
    await j.click(page.locator('main form button[type=submit]'), { url: /\/reviews\/\d+$/ });
    await page.locator('#number').fill(phone ? '51/BC-CAX' : '52/BC-CAX');
    await page.locator('#place').fill(other.org_unit_name.replace(/^(Xã|Phường) /, ''));
    await page.locator('#signer_title').fill('TRƯỞNG CÔNG AN XÃ');
    await page.locator('#signer_name').fill('Lê Văn Nam');
    await page.locator('#recipients').fill('- Công an tỉnh (PV05);');
    await j.click(page.locator('#issue button[type=submit]'), { url: /\/reviews\/\d+$/ });
    assert.match(await j.text('main dl'), /Đã ban hành/);
    await j.logout();

    // The province compiles both, issues its review, downloads the files.
    await j.login('tinh.ninhbinh');
    await j.goto(url);
    assert.match(await j.text('#submissions + p'), /Đã gửi: 2 \//);
    const checks = await j.text(page.locator('#submissions ~ table').first());
    assert.match(checks, /Khớp/);
    assert.doesNotMatch(checks, /Chênh lệch/);
    await j.shot('compiled');
    const issue = async (n) => {
      await page.locator('#number').fill(n);
      await page.locator('#place').fill('Ninh Bình');
      await page.locator('#signer_authority').fill('KT. GIÁM ĐỐC');
      await page.locator('#signer_title').fill('PHÓ GIÁM ĐỐC');
      await page.locator('#signer_name').fill('Nguyễn Văn An');
      await page.locator('#recipients').fill('- Bộ Công an (V05);\n- Thường trực Tỉnh ủy;');
    };
    // The number of the demo's 2025 report, issued in January 2026:
    // refused, nothing issued, the form kept.
    await issue('05/BC-CAT');
    await page.locator('#issued_on').fill('2026-01-06');
    await j.expecting(409, new RegExp(`${url}/issue$`), () => j.click(page.locator('#issue button[type=submit]')));
    assert.match(await j.text('#issue .error'), /đã dùng/);
    assert.equal(await page.locator('#signer_name').inputValue(), 'Nguyễn Văn An');
    await issue(number);
    await page.locator('#issued_on').fill(new Date().toISOString().slice(0, 10));
    await j.click(page.locator('#issue button[type=submit]'), { url: new RegExp(`${url}$`) });
    assert.match(await j.text('main dl'), /Đã ban hành/);
    assert.equal(await page.locator('#issue').count(), 0, 'an issued review has no issue form');
    await j.shot('issued');
    for (const [ext, type, magic] of [['docx', 'wordprocessingml', 'PK'], ['pdf', 'application/pdf', '%PDF-']]) {
      const href = await page.locator(`main a[href$="document.${ext}"]`).getAttribute('href');
      const file = await page.request.get(j.url(href));
      assert.equal(file.status(), 200);
      assert.match(file.headers()['content-type'], new RegExp(type));
      const body = await file.body();
      assert.equal(body.subarray(0, magic.length).toString(), magic);
      assert.ok(body.length > 10000, `${ext}: ${body.length} bytes`);
    }

    // A review of one model type: ticked in the form, the only type counted.
    const byType = async (review) => {
      const figures = await (await page.request.get(j.url(`/api/v1/reviews/${review}/figures`))).json();
      return figures.parts.find((p) => p.source === 'models').tables.find((t) => /theo loại/.test(t.title)).rows;
    };
    const types = await byType(id);
    assert.ok(types.length > 1, JSON.stringify(types));
    const typeName = types[0].label;
    await j.goto('/reviews/new');
    await page.locator('#subject').fill(`Sơ kết một loại mô hình năm 2025 (${phone ? 'điện thoại' : 'máy tính'})`);
    await page.locator('#from').fill('2025-01');
    await page.locator('#to').fill('2025-12');
    await page.locator('fieldset.checklist summary').first().click();
    await page.locator('fieldset.checklist').first().getByLabel(typeName, { exact: true }).check();
    await j.click(page.locator('main form button[type=submit]'), { url: /\/reviews\/\d+$/ });
    const focused = await byType(new URL(page.url()).pathname.split('/').pop());
    assert.deepEqual(focused.map((r) => r.label), [typeName]);
    await j.logout();

    await j.login('xa.badinh');
    await j.goto(url, { status: 404 });
    await j.goto('/reviews');
    assert.doesNotMatch(await j.text('main'), new RegExp(subject.replace(/[()]/g, '.')));
    await j.logout();
  },
};
