'use strict';
// Events and the festival: the ward's officer records the 19 August
// festival as an event with its participants and adds a photo whose GPS
// position is gone once kept (and which shows); the desktop records the
// ward's festival of this year at two of its groups, which the coverage
// then counts; the phone tries last year's again and is refused beside the
// form; the month's calendar lists the event, and its iCalendar file is
// served. Each width its own event.

const fs = require('fs');
const path = require('path');

module.exports = {
  name: 'events',
  title: 'a festival recorded with its photo (its position removed), the coverage counts it, the calendar lists it',
  async run(j) {
    const { page, assert } = j;
    const phone = j.width < 600;
    const year = new Date().getFullYear();
    const festivalDay = `${year}-08-19`;
    const title = phone ? `Ngày hội ${year} (điện thoại)` : `Ngày hội ${year} (máy tính)`;
    const photo = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'ngay-hoi-gps.jpg'));
    assert.ok(photo.includes(Buffer.from('GPSLatitude')), 'the fixture carries a position');

    await j.login('xa.namdinh');
    await j.click(page.locator('header nav a[href="/events"]'), { url: /\/events$/ });
    await j.click(page.locator('main a[href="/events/new"]'), { url: /\/events\/new$/ });
    await page.locator('#kind').selectOption('ngay_hoi');
    await page.locator('#title').fill(title);
    await page.locator('#starts_on').fill(festivalDay);
    await page.locator('#place').fill('Sân văn hóa tổ dân phố');
    await page.locator('#n_nhan_dan').fill('420');
    await page.locator('#n_doan_vien').fill('80');
    await j.shot('new');
    await j.click(page.locator('main form button[type=submit]'), { url: /\/events\/\d+$/ });
    const eventUrl = new URL(page.url()).pathname;
    assert.match(await j.text('main dl'), /500/);
    await page.locator('#file').setInputFiles({ name: 'ngay-hoi.jpg', mimeType: 'image/jpeg', buffer: photo });
    await j.click(page.locator('#photos form button[type=submit]'), { url: /#photos$/ });
    const img = page.locator('#photos img').first();
    await img.waitFor();
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the photo shows');
    const src = await img.getAttribute('src');
    const kept = await (await page.request.get(new URL(src, page.url()).href)).body();
    assert.ok(!kept.includes(Buffer.from('GPSLatitude')), 'the position is gone');
    assert.ok(kept.length > 1000, 'the image is kept');
    await j.shot('photo');

    // The festival record: this year's by the desktop, last year's again by
    // the phone (the demo recorded it: refused beside the form).
    await j.goto('/festivals/new');
    if (phone) {
      await page.locator('#held_on').fill(`${year - 1}-08-19`);
      await page.locator('#sites').fill('Tổ dân phố Vị Xuyên 1');
      await j.expecting(409, /\/festivals$/, () => j.click(page.locator('main form button[type=submit]')));
      assert.match(await j.text('main .error'), /đã có bản ghi Ngày hội năm/);
      await j.shot('festival-refused');
    } else {
      await page.locator('#held_on').fill(festivalDay);
      await page.locator('#sites').fill('Tổ dân phố Vị Xuyên 1; Tổ dân phố Vị Xuyên 2');
      await page.locator('#participants').fill('500');
      await page.locator('#budget').fill('15000000');
      await j.click(page.locator('main form button[type=submit]'), { url: /\/festivals\?/ });
      assert.match(await j.text('main'), /Tổ dân phố Vị Xuyên 1, Tổ dân phố Vị Xuyên 2/);
      await j.shot('festival');
    }
    await j.logout();

    // The province's coverage counts the ward; the calendar lists the event.
    await j.login('tinh.ninhbinh');
    await j.goto(`/festivals?from_year=${year - 1}&to_year=${year}`);
    assert.match(await j.text(page.locator('main table').first()), /Phường Nam Định/);
    await j.shot('coverage');
    await j.goto(`/events/calendar?month=${year}-08`);
    assert.match(await j.text('main'), new RegExp(title.replace(/[()]/g, '\\$&')));
    const ics = await page.request.get(new URL(`/api/v1/events?from=${year}-08-01&to=${year}-08-31&tasks=true&format=ics`, page.url()).href);
    assert.equal(ics.status(), 200);
    assert.match(await ics.text(), /BEGIN:VCALENDAR/);
    await j.shot('calendar');
    await j.goto(eventUrl);
    await j.logout();
  },
};
