'use strict';
// Grassroots security teams: the commune officer adds a residential group
// to the ward and sets up its team from the group's page; a member with
// only primary schooling is refused, the refusal says why and asks for a
// reason, and the officer recognises them anyway (the checks shown, the
// override noted); an eligible member joins too. A member of a demo team
// moves to the new group: the membership ends with "moved", the person's
// record is entered in the new team, and their page lists both teams.
// Another province's officer cannot open the team; the province reads
// the dashboard in both views of the 2025 reform and the size rules.

module.exports = {
  name: 'forces',
  title: 'set up a team, a member refused then overridden, a member moving group, out of scope, dashboard both views, size rules',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const today = new Date().toISOString().slice(0, 10);
    const group = phone ? 'Tổ dân phố Hàng Sắt' : 'Tổ dân phố Hàng Đồng';

    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/forces"]'), { url: /\/forces$/ });
    assert.match(await j.text('main h1'), /Tổ bảo vệ an ninh, trật tự/);
    assert.match(await j.text('#areas'), /Tổ dân phố Vị Xuyên 1/);
    await j.shot('dashboard');

    // A new residential group of the ward, and its team from its page.
    await j.goto('/org-units?q=Phường Nam Định');
    await j.click(page.locator('main table a', { hasText: /^Phường Nam Định$/ }).first(), { url: /\/org-units\/\d+$/ });
    const add = page.locator('details.card', { has: page.locator('summary', { hasText: 'Thêm thôn/tổ dân phố' }) });
    await add.locator('summary').click();
    await add.locator('#v-name').fill(group);
    await j.click(add.locator('button[type=submit]'), { url: /\/org-units\/\d+$/ });
    assert.match(await j.text('#forces'), /Chưa có tổ đang hoạt động/);
    await j.click(page.locator('#forces a', { hasText: 'Thành lập tổ' }), { url: /\/security-teams\/new/ });
    assert.match(await page.locator('#org_unit').inputValue(), new RegExp(group));
    await page.locator('#established_on').fill(today);
    await page.locator('#decision_no').fill('210/QĐ-UBND');
    await page.locator('#decision_signer').fill('Chủ tịch UBND phường Nam Định');
    await j.shot('new-team');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/security-teams\/\d+$/ });
    assert.equal(await j.text('main h1'), `Tổ bảo vệ ANTT ${group}`);
    const teamUrl = new URL(page.url()).pathname;

    // A member with primary schooling only: refused, with the reason asked for.
    const form = page.locator('#add-member');
    const member = async (name, born, schooling) => {
      if (!(await form.evaluate((d) => d.open))) await form.locator('summary').click();
      await form.locator('#full_name').fill(name);
      await form.locator('#birth_date').fill(born);
      await form.locator('#schooling').selectOption(schooling);
      await form.locator('#m_decision_no').fill('211/QĐ-UBND');
      await form.locator('#resident_since').fill('2010-01-01');
      await form.locator('#health_certified_on').fill(today);
      await form.locator('input[name=no_sanction]').check();
    };
    await member('Lê Văn Tiến', '1979-10-10', 'primary');
    await j.expecting(400, /\/members$/, () => j.click(form.locator('button[type=submit]')));
    assert.match(await j.text('#add-member .error'), /Trình độ học vấn/);
    assert.equal(await form.locator('#full_name').inputValue(), 'Lê Văn Tiến', 'the form keeps what was typed');
    await j.shot('refused');
    await form.locator('#override_reason').fill('Có uy tín trong khu dân cư, đang học bổ túc');
    await form.locator('#schooling').selectOption('primary');
    await form.locator('#resident_since').fill('2010-01-01');
    await form.locator('#health_certified_on').fill(today);
    await j.click(form.locator('button[type=submit]'), { url: /added=1/ });
    assert.match(await j.text('main .notice'), /Đã công nhận thành viên/);
    assert.match(await j.text('#checks'), /Trình độ học vấn/);
    assert.match(await j.text('#checks'), /Có uy tín trong khu dân cư/);
    await j.shot('overridden');
    await member('Nguyễn Thị Thu', '1990-02-02', 'upper_secondary');
    await form.locator('#role').selectOption('to_truong');
    await j.click(form.locator('button[type=submit]'), { url: /added=1/ });
    assert.match(await j.text('#members'), /Nguyễn Thị Thu/);

    // A demo member moves here: their membership ends, their record follows.
    const mover = phone ? 'Hoàng Thị Mai' : 'Đặng Văn Long';
    await j.goto('/security-teams');
    await j.click(page.locator('main table a', { hasText: 'Tổ dân phố Vị Xuyên 2' }), { url: /\/security-teams\/\d+$/ });
    const row = page.locator('#members tbody tr', { hasText: mover });
    const end = row.locator('details.action');
    await end.locator('summary').click();
    await end.locator('select[name=reason]').selectOption('moved');
    await end.locator('input[name=note]').fill(`Chuyển đến ${group}`);
    await j.click(end.locator('button[type=submit]'), { url: /\/security-teams\/\d+$/ });
    // It ends today: shown with its last day, no longer to be ended.
    const ended = page.locator('#members tbody tr', { hasText: mover });
    assert.equal(await ended.locator('details.action').count(), 0, 'an ended membership offers no end form');
    assert.match(await j.text(ended), /–/);
    await j.click(ended.locator('a', { hasText: mover }), { url: /\/people\/\d+$/ });
    const personId = page.url().split('/').pop();
    assert.match(await j.text('main'), /Chuyển nơi cư trú/);
    await j.goto(teamUrl);
    if (!(await form.evaluate((d) => d.open))) await form.locator('summary').click();
    await form.locator('#person_id').fill(personId);
    await form.locator('#m_decision_no').fill('212/QĐ-UBND');
    await form.locator('#resident_since').fill('2005-01-01');
    await form.locator('#health_certified_on').fill(today);
    await form.locator('input[name=no_sanction]').check();
    await j.click(form.locator('button[type=submit]'), { url: /added=1/ });
    assert.match(await j.text('#members'), new RegExp(mover));
    await j.goto(`/people/${personId}`);
    assert.match(await j.text('#teams table'), /Tổ dân phố Vị Xuyên 2/);
    assert.match(await j.text('#teams table'), new RegExp(group));
    await j.shot('person');
    await j.logout();

    // Another province's officer: as if the team did not exist.
    await j.login('xa.badinh');
    await j.goto(teamUrl, { status: 404 });
    await j.goto('/home');
    await j.logout();

    // The province: the dashboard in both views, and its size rule.
    await j.login('tinh.ninhbinh');
    await j.goto('/forces');
    assert.match(await j.text('#areas'), /Phường Nam Định|Tỉnh Ninh Bình/);
    await j.shot('province');
    await page.locator('#s_view').selectOption('as_was');
    await page.locator('#s_as_of').fill('2025-10-01');
    await j.click(page.locator('main form.filters button[type=submit]'), { url: /view=as_was/ });
    assert.match(await j.text('main dl'), /\d/);
    await j.goto('/team-size-rules');
    assert.match(await j.text('main table'), /3–5/);
    await j.shot('rules');
    await j.logout();
  },
};
