// The notification bell in a real browser, against a generated app with
// pos-notifications serving the demo seed: a signed-in manager restocks the rice
// and takes it down to its low-stock threshold; the bell's count goes up
// and a toast shows the alert without reloading the page, and the bell leads to
// the notification centre.
// Usage: POS_EMAIL=… POS_PASSWORD=… node bell.mjs http://127.0.0.1:PORT
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.argv[2];
const RICE = 'MK-GAO-ST25-5';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(process.env.POS_EMAIL);
  await page.getByLabel('Mật khẩu').fill(process.env.POS_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));

  await page.goto(`${base}/inventory`);
  // Whatever arrived before the page opened is counted from the server.
  const before = await page.evaluate(async () => (await (await fetch('/api/notifications/unread')).json()).data.count);

  // The page's own fetches: same origin, with its session cookie.
  const status = await page.evaluate(async (sku) => {
    const post = (path, body) => fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const found = await (await fetch(`/api/products?search=${sku}`)).json();
    const { id: productId, stock, lowStockThreshold } = found.data[0];
    // Above the threshold first (a delivery), then down to it (damaged goods).
    const delivered = Math.max(lowStockThreshold - stock, 0) + 10;
    const restocked = await post('/api/inventory/receipts', { productId, quantity: delivered, reason: 'delivery' });
    const down = stock + delivered - lowStockThreshold;
    const taken = await post('/api/inventory/adjustments', { productId, quantity: -down, reason: 'damaged' });
    return [restocked.status, taken.status];
  }, RICE);
  assert.deepEqual(status, [201, 201]);

  await assert.doesNotReject(
    page.waitForFunction((n) => document.getElementById('bell-count').textContent === String(n), before + 1),
    'the bell did not count the new alert',
  );
  const toast = page.locator('.toast', { hasText: 'Sắp hết hàng: Gạo ST25 túi 5kg' });
  await toast.waitFor();

  await page.locator('#bell').click();
  await page.waitForURL(`${base}/notifications`);
  await page.getByText('Sắp hết hàng: Gạo ST25 túi 5kg').first().waitFor();
} finally {
  await browser.close();
}
