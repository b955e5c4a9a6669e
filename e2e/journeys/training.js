'use strict';
// Training: the ward's officer sees the class over last week waiting for
// its results on the home page, then sets up a new class on a demo course,
// enrols two newcomers, marks attendance session by session (and sends the
// class's sheet back through its file round trip), and enters
// the results once the last session is over: one passes with a numbered
// certificate (the PDF prints), one does not (a session missed). The
// trainee's page lists the class; the refreshers due list the demo's
// year-old class. The province reads the trainee-times in both views of
// the 2025 reform and the courses; another commune's officer cannot
// open the ward's class.

module.exports = {
  name: 'training',
  title: 'home reminder, new class, enrolment, attendance by session and by sheet, results, certificates PDF, person history, refreshers, summary both views, out of scope',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const day = (d) => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10);
    const [first, last] = [day(2), day(1)];
    const names = phone ? ['Kiều Văn Phúc', 'Lò Thị Hiền'] : ['Tạ Văn Khoa', 'Âu Thị Duyên'];

    await j.login('xa.namdinh');
    // The demo's class over last week still waits for its results.
    await j.click(page.locator('main a[href="/classes?awaiting_results=true"]'), { url: /awaiting_results=true/ });
    assert.match(await j.text('main table'), /Bồi dưỡng nghiệp vụ Tổ bảo vệ an ninh, trật tự/);
    await j.click(page.locator('header nav a[href="/training"]'), { url: /\/training$/ });
    assert.match(await j.text('main h1'), /Lượt tập huấn theo địa bàn/);
    await j.shot('summary');

    // A new class on a demo course, over the last two days.
    await j.click(page.locator('main a', { hasText: 'Mở lớp tập huấn' }).first(), { url: /\/classes\/new$/ });
    const course = await page.locator('#course_id option', { hasText: 'Kỹ năng phòng cháy' }).getAttribute('value');
    await page.locator('#course_id').selectOption(course);
    await page.locator('#organiser').fill('Phường Nam Định');
    await page.locator('#starts_on').fill(first);
    await page.locator('#ends_on').fill(last);
    await page.locator('#capacity').fill('20');
    await page.locator('#place').fill('Nhà văn hóa Tổ dân phố Vị Xuyên 2');
    await j.shot('new-class');
    // A last day before the first is refused, and the form keeps the rest.
    await page.locator('#ends_on').fill(day(5));
    await j.expecting(400, /\/classes$/, () => j.click(page.locator('main form button[type=submit]')));
    assert.match(await j.text('main .error'), /Đến ngày|ngày/);
    assert.equal(await page.locator('#place').inputValue(), 'Nhà văn hóa Tổ dân phố Vị Xuyên 2');
    await page.locator('#ends_on').fill(last);
    await j.click(page.locator('main form button[type=submit]'), { url: /\/classes\/\d+$/ });
    const classUrl = new URL(page.url()).pathname;
    assert.match(await j.text('main h1'), /Kỹ năng phòng cháy/);

    // Two newcomers enrolled.
    for (const name of names) {
      const form = page.locator('#enrol');
      if (!(await form.evaluate((d) => d.open))) await form.locator('summary').click();
      await form.locator('#full_name').fill(name);
      await form.locator('#birth_date').fill('1991-04-04');
      await j.click(form.locator('form[action$="/enrolments"] button[type=submit]'), { url: /done=enrolled/ });
      assert.match(await j.text('#trainees'), new RegExp(name));
    }

    // Attendance: both on the first day, only the first on the second.
    const mark = async (d, who) => {
      await page.locator('#day').selectOption(d);
      await j.click(page.locator('#attendance form.filters button'), { url: new RegExp(`day=${d}`) });
      const boxes = page.locator('#attendance input[name=present]');
      for (let i = 0; i < (await boxes.count()); i++) {
        const label = await boxes.nth(i).evaluate((b) => b.parentElement.textContent);
        if (who.some((n) => label.includes(n))) await boxes.nth(i).check();
        else await boxes.nth(i).uncheck();
      }
      await j.click(page.locator('#attendance form[action$="/attendance"] button[type=submit]'), { url: /done=marked/ });
    };
    await mark(first, names);
    await mark(last, [names[0]]);
    await j.shot('attendance');
    // The class's sheet, downloaded and uploaded back as it is: the same marks.
    const sheet = page.locator('#attendance details.action');
    await sheet.locator('summary').click();
    const file = await j.download(sheet.locator('a', { hasText: 'Tải bảng điểm danh' }));
    assert.equal(file.bytes.subarray(0, 2).toString(), 'PK');
    await sheet.locator('input[type=file]').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.bytes });
    await j.click(sheet.locator('button[type=submit]'), { url: /done=marked/ });
    assert.match(await j.text(page.locator('#trainees tbody tr', { hasText: names[1] })), /1\/2/);

    // Results: both score 8; the one who missed a session does not pass.
    for (const name of names) {
      const row = page.locator('#trainees tbody tr', { hasText: name });
      await row.locator('input[name=score]').fill('8');
      await j.click(row.locator('button[type=submit]'), { url: /done=result/ });
    }
    const passed = page.locator('#trainees tbody tr', { hasText: names[0] });
    assert.match(await j.text(passed), /Đạt/);
    assert.match(await j.text(passed), /CN-TH/);
    assert.match(await j.text(page.locator('#trainees tbody tr', { hasText: names[1] })), /Không đạt/);
    await j.shot('results');
    const href = await page.locator('a', { hasText: 'In giấy chứng nhận' }).getAttribute('href');
    const pdf = await page.request.get(j.url(href));
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    // The trainee's page keeps the class; the demo's year-old class is due.
    await j.click(passed.locator('a').first(), { url: /\/people\/\d+$/ });
    assert.match(await j.text('#training'), /Kỹ năng phòng cháy/);
    await j.goto('/refreshers-due');
    assert.match(await j.text('main table'), /Bồi dưỡng nghiệp vụ Tổ bảo vệ an ninh, trật tự/);
    await j.shot('refreshers');
    await j.logout();

    // Another commune's officer cannot open the ward's class.
    await j.login('xa.badinh');
    await j.goto(classUrl, { status: 404 });
    await j.goto('/home');
    await j.logout();

    // The province: trainee-times by commune, in both views; the courses.
    await j.login('tinh.ninhbinh');
    await j.goto('/training');
    assert.match(await j.text('#areas'), /Phường Nam Định/);
    await page.locator('#s_view').selectOption('as_was');
    await page.locator('#s_from').fill('2025-01-01');
    await page.locator('#s_to').fill('2025-06-30');
    await j.click(page.locator('main form.filters button'), { url: /view=as_was/ });
    assert.match(await j.text('#areas'), /Tổng|Cộng/);
    await j.shot('province-as-was');
    await j.goto('/courses');
    assert.match(await j.text('main table'), /Nghiệp vụ xây dựng phong trào cho Công an cấp xã/);
    await j.logout();
  },
};
