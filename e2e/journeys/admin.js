'use strict';
// The administrator's pages: users (list, create, edit, disable), the
// model type catalogue (add a type, edit it), the audit log (filter,
// export), and the API's browsable document.

module.exports = {
  name: 'admin',
  title: 'users, model types and audit as admin',
  async run(j) {
    const { page, assert, tag } = j;
    await j.login('admin');

    // --- Users ---------------------------------------------------------
    await j.click(page.locator('header nav a[href="/users"]'), { url: /\/users$/ });
    assert.equal(await j.text('h1'), 'Người dùng');
    const names = await j.column('main table', 0);
    for (const u of ['admin', 'tinh.ninhbinh', 'lanhdao.ninhbinh', 'doanthanhnien.nb', 'phunu.nb', 'xa.namdinh', 'xa.badinh']) {
      assert.ok(names.includes(u), `/users lacks ${u}`);
    }
    await j.shot('users');

    // The scope of an existing user, read off their page: named, never an id.
    await j.click(page.locator('main table a', { hasText: /^lanhdao\.ninhbinh$/ }), { url: /\/users\/\d+$/ });
    const scopes = (await page.locator('#scopes').inputValue()).trim();
    assert.match(scopes, /^Tỉnh Ninh Bình/, `lanhdao.ninhbinh's scopes read "${scopes}"`);
    // A new user starts with the least privileged role.
    await j.click(page.locator('nav.crumbs a[href="/users"]'), { url: /\/users$/ });
    assert.equal(await page.locator('#role').inputValue(), 'viewer', 'a new user is not a viewer by default');
    await page.goBack();

    // A new read-only user with the same scope.
    await j.click(page.locator('nav.crumbs a[href="/users"]'), { url: /\/users$/ });
    const username = `e2e.lanhdao${tag}`;
    await page.locator('#username').fill(username);
    await page.locator('#display_name').fill(`Lãnh đạo thử ${tag}`);
    await page.locator('#role').selectOption('viewer');
    await page.locator('#scopes').fill(scopes);
    await page.locator('#password').fill('mat-khau-thu-nghiem-2025');
    await j.click(page.locator('form[action="/users"] button[type=submit]'), { url: /\/users\/\d+$/ });
    assert.equal(await j.text('h1'), username);

    // Edit: a new name, disabled.
    await page.locator('#display_name').fill(`Lãnh đạo thử ${tag} (đã khóa)`);
    await page.locator('input[name=disabled]').check();
    await j.click(page.locator('main form button[type=submit]'));
    await page.locator('p.note[role=status]').waitFor();
    assert.ok(await page.locator('input[name=disabled]').isChecked());
    await j.click(page.locator('header nav a[href="/users"]'), { url: /\/users$/ });
    const row = page.locator('main table tbody tr', { hasText: username });
    assert.match(await row.innerText(), /đã khóa/);
    assert.match(await row.getAttribute('class'), /ended/);

    // --- Model types ----------------------------------------------------
    await j.click(page.locator('header nav a[href="/models"]'));
    await j.click(page.locator('p.quick a', { hasText: 'Danh mục loại mô hình' }), { url: /\/model-types$/ });
    const types = await page.locator('main table tbody tr').count();
    assert.ok(types >= 22, `catalogue lists ${types} types`);
    // Each shipped type says where it comes from.
    const patrol = page.locator('main table tbody tr', { hasText: 'Tổ tuần tra nhân dân' });
    assert.match(await patrol.innerText(), /Bài viết về phong trào/);
    const example = page.locator('main table tbody tr', { hasText: 'Camera an ninh' });
    assert.match(await example.innerText(), /Ví dụ minh hoạ/);
    const add = page.locator('details.card', { has: page.locator('form[action="/model-types"]') });
    await add.locator('summary').click();
    const code = `e2e_loai_${tag}`;
    await add.locator('#code').fill(code);
    await add.locator('#name').fill(`Mô hình thử nghiệm ${tag}`);
    await add.locator('#short_name').fill(`Thử ${tag}`);
    await add.locator('#sector').selectOption('youth');
    await add.locator('input[name=targets][value=village]').check();
    await add.locator('input[name=targets][value=commune]').check();
    await add.locator('#lead_org').fill('Tỉnh Đoàn');
    await j.shot('add-type');
    await j.click(add.locator('button[type=submit]'));
    const link = page.locator('main table a', { hasText: `Mô hình thử nghiệm ${tag}` });
    assert.equal(await link.count(), 1, 'the new type is not in the catalogue');
    await j.click(link, { url: /\/model-types\/\d+$/ });
    const typePath = new URL(page.url()).pathname;
    await page.locator('#short_name').fill(`Thử nghiệm ${tag}`);
    await j.click(page.locator('main form button[type=submit]'), { url: /\/model-types$/ });
    await j.click(page.locator(`main table a[href="${typePath}"]`), { url: /\/model-types\/\d+$/ });
    assert.equal(await page.locator('#short_name').inputValue(), `Thử nghiệm ${tag}`, 'the type edit was not saved');

    // --- Audit -----------------------------------------------------------
    await j.click(page.locator('header nav a[href="/audit"]'), { url: /\/audit/ });
    assert.equal(await j.text('h1'), 'Nhật ký thay đổi');
    assert.ok((await j.count()) > 0, 'the audit log is empty');
    await page.locator('#actor').fill('admin');
    await page.locator('#entity').selectOption('user');
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /actor=admin/ });
    const mine = await j.count();
    assert.ok(mine >= 2, `audit shows ${mine} user records by admin after a create and an update`);
    const whos = await page.locator('ul.log li').evaluateAll((lis) => lis.map((li) => li.dataset.user));
    assert.ok(whos.length >= 2, `the actor filter's list has ${whos.length} lines, the page counts ${mine}`);
    for (const who of whos) assert.equal(who, 'admin', 'actor filter leaks');
    // Each line reads as a sentence, not as codes.
    const first = await j.text(page.locator('ul.log li span:not(.when)').first());
    assert.doesNotMatch(first, /\b(user|login|create|update) \d*/, `the log reads "${first}"`);
    await j.shot('audit');

    // The models' writes can be found by their entity too.
    await page.locator('#actor').fill('');
    await page.locator('#entity').selectOption('model');
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /entity=model(&|$)/ });
    // The demo's models and the models journey's writes are in the log: the
    // filter must show some, or the loop below proves nothing.
    const modelRecords = await j.count();
    const entities = await page.locator('ul.log li').evaluateAll((lis) => lis.map((li) => li.dataset.entity));
    assert.ok(modelRecords > 0 && entities.length > 0,
      `the entity filter shows ${entities.length} lines (the page counts ${modelRecords})`);
    for (const e of entities) assert.equal(e, 'model', `entity filter leaks: "${e}"`);
    assert.match(await j.text(page.locator('ul.log li span:not(.when)').first()), /mô hình/, 'a model record does not say "mô hình"');

    await page.locator('#actor').fill('admin');
    await page.locator('#entity').selectOption('user');
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /entity=user/ });
    const csv = await j.download(page.locator('p.count a'));
    assert.match(csv.name, /\.csv$/);
    const text = csv.bytes.toString('utf8').replace(/^\uFEFF/, '');
    assert.ok(text.split('\n').filter(Boolean).length >= mine + 1, 'the audit CSV has fewer rows than the page counts');

    // --- The API's document, browsable -------------------------------------
    // Swagger UI, served by the binary itself: it renders the generated
    // document under the page's Content-Security-Policy (a blocked script
    // or style would be a console error, which fails the journey).
    await j.goto('/api/docs');
    await page.locator('.swagger-ui .info .title', { hasText: 'binhyen API' }).waitFor();
    // A document of over 150 operations is rendered as it scrolls into
    // view: scroll to the end, gathering the operations met on the way.
    await page.locator('.swagger-ui .opblock').first().waitFor();
    const seen = new Set();
    for (let step = 0; step < 200; step++) {
      for (const s of await page.locator('.swagger-ui .opblock-summary').evaluateAll((els) => els.map((e) => e.textContent.trim()))) seen.add(s);
      const end = await page.evaluate(() => {
        window.scrollBy(0, window.innerHeight);
        return window.scrollY + window.innerHeight >= document.body.scrollHeight - 2;
      });
      await page.waitForTimeout(50);
      if (end && step > 2) break;
    }
    for (const s of await page.locator('.swagger-ui .opblock-summary').evaluateAll((els) => els.map((e) => e.textContent.trim()))) seen.add(s);
    const operations = seen.size;
    assert.ok(operations >= 50, `the API page shows ${operations} operations`);
    await j.shot('api-docs');
  },
};
