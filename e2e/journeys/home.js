'use strict';
// The officers' home pages: each role lands on what it must do now; the
// commune officer's overdue report is one click away; the province opens
// its approvals inbox, ticks reports and approves them after one
// confirmation; the leader sees figures but nothing to approve.

module.exports = {
  name: 'home',
  title: 'home page per role, the approvals inbox, approving several at once',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;

    // --- The commune officer: the overdue report, one click away ---------
    await j.login('xa.namdinh');
    assert.equal(new URL(page.url()).pathname, '/home', 'login lands on the home page');
    assert.match(await j.text('main h1'), /Xin chào/);
    const todo = page.locator('section.todo');
    assert.match(await j.text(todo), /Báo cáo cần nhập, nộp hoặc sửa/);
    assert.match(await j.text(todo), /Quá hạn \d+ ngày|Còn \d+ ngày|Hết hạn hôm nay|Bị trả lại/);
    assert.match(await j.text('main'), /mô hình đang hoạt động/);
    await j.shot('commune-home');
    const first = todo.locator('ul.tasks a').first();
    await j.click(first, { url: /\/statistics\/entry\?/ });
    assert.match(await j.text('#state-title'), /Trạng thái/);
    await j.logout();

    // --- The province: the inbox, several approved at once ---------------
    await j.login('tinh.ninhbinh');
    const waiting = page.locator('section.todo h3', { hasText: 'Báo cáo chờ tôi duyệt' });
    assert.equal(await waiting.count(), 1, 'the province sees nothing to approve');
    assert.match(await j.text('main'), /đơn vị đã được duyệt/);
    await j.shot('province-home');
    await j.click(page.locator('a.button', { hasText: 'Mở hộp duyệt báo cáo' }), { url: /\/statistics\/approvals/ });
    assert.equal(await j.text('main h1'), 'Báo cáo chờ duyệt');
    const before = Number(/^(\d+)/.exec(await j.text('p.count'))[1]);
    assert.ok(before >= 4, `only ${before} reports wait`);
    // The two widths share one server: the phone takes the first two
    // reports by unit, the desktop the last two.
    await j.click(page.locator('a', { hasText: /^đơn vị$/ }), { url: /sort=unit/ });
    const boxes = page.locator('main table input[type=checkbox]');
    const n = await boxes.count();
    for (const i of phone ? [0, 1] : [n - 1, n - 2]) await boxes.nth(i).check();
    await j.shot('inbox');
    await j.click(page.locator('main button', { hasText: 'Duyệt các báo cáo đã chọn' }));
    assert.match(await j.text('#confirm-title'), /Duyệt 2 báo cáo\?/);
    await j.shot('inbox-confirm');
    await j.click(page.locator('section.confirm button[type=submit]'), { url: /approved=2/ });
    assert.match(await j.text('main p.ok[role=status]'), /Đã duyệt: 2 báo cáo/);
    const after = Number(/^(\d+)/.exec(await j.text('p.count'))[1]);
    assert.ok(after <= before - 2, `${before} waited, ${after} still wait`);
    await j.logout();

    // --- The leader: figures, nothing to approve --------------------------
    await j.login('lanhdao.ninhbinh');
    assert.equal(new URL(page.url()).pathname, '/home');
    assert.equal(await page.locator('a[href="/statistics/approvals"]').count(), 0, 'a viewer is offered the inbox');
    assert.match(await j.text('main'), /mô hình đang hoạt động/);
    await j.shot('viewer-home');
    await j.logout();
  },
};
