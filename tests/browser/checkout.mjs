// A cashier's sale in a real browser, against a generated app serving the demo seed:
// scan a barcode twice, find a product by name, take cash, complete, print the receipt.
// Usage: node checkout.mjs http://127.0.0.1:PORT
// With POS_EMAIL and POS_PASSWORD set (an app with sign-in), the cashier signs in
// first, and afterwards finds the users page closed to them. With SEPAY_API_KEY set
// (an app taking bank transfers), a second sale is paid by VietQR: the till shows
// the QR, the bank's webhook arrives, and the till flips to paid by itself.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.argv[2];
const COLA_BARCODE = '8930000000011'; // 10.000 ₫ in the demo seed
const email = process.env.POS_EMAIL;
const password = process.env.POS_PASSWORD;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage();
  // The page's own requests carry its session cookie.
  const stockOf = async (search) => {
    const response = await page.request.get(`${base}/api/products?search=${encodeURIComponent(search)}`);
    const body = await response.json();
    return body.data[0].stock;
  };
  page.on('dialog', (dialog) => dialog.accept());
  if (email) {
    await page.goto(`${base}/pos`);
    assert.ok(page.url().startsWith(`${base}/login?next=`), `not sent to sign in: ${page.url()}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Mật khẩu').fill('not the password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('.alert').waitFor();
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${base}/pos`);
  }
  const colaBefore = await stockOf(COLA_BARCODE);
  // A slow shop network: the answer to a scan arrives after the cashier has
  // started typing the next item, which must neither lose the scan nor the typing.
  await page.route('**/api/products?*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await page.goto(`${base}/pos`);

  // The search box has focus on load, so a scanner can type straight away.
  await page.keyboard.type(COLA_BARCODE);
  await page.keyboard.press('Enter');
  await page.locator('#pos-cart tr').first().waitFor();
  await page.keyboard.type(COLA_BARCODE);
  await page.keyboard.press('Enter');
  await page.locator('#pos-search').fill('chocopie');
  await page.locator('#pos-results li').first().waitFor();
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.locator('#pos-cart tr').nth(1).waitFor());
  assert.equal(await page.locator('#pos-cart tr').count(), 2);

  await page.keyboard.press('F4');
  await page.keyboard.type('100000');
  await page.keyboard.press('F9');
  await page.locator('#pos-done').waitFor();
  assert.equal(await page.locator('#pos-total').innerText(), '75.000 ₫');
  assert.equal(await page.locator('#pos-change').innerText(), '25.000 ₫');

  const receipt = await page.locator('#pos-receipt').getAttribute('href');
  await page.goto(`${base}${receipt.replace('?print=1', '')}`);
  const text = await page.locator('body').innerText();
  for (const expected of ['HD0000', '2 × 10.000 ₫', '75.000 ₫', '100.000 ₫', '25.000 ₫']) {
    assert.ok(text.includes(expected), `the receipt lacks ${expected}:\n${text}`);
  }
  assert.equal(await stockOf(COLA_BARCODE), colaBefore - 2);
  if (process.env.SEPAY_API_KEY) {
    await page.goto(`${base}/pos`);
    await page.keyboard.type(COLA_BARCODE);
    await page.keyboard.press('Enter');
    await page.locator('#pos-cart tr').first().waitFor();
    await page.locator('[data-method="vietqr"]').click();
    await page.locator('#pos-gateway-qr').waitFor();
    const status = await page.locator('#pos-gateway-status').innerText();
    const reference = status.match(/PC\d{6,}/)[0];
    assert.ok(status.includes('10.000 ₫'), status);
    const image = await page.request.get(base + await page.locator('#pos-gateway-qr').getAttribute('src'));
    assert.equal(image.headers()['content-type'], 'image/svg+xml');
    const webhook = await fetch(`${base}/api/payments/webhooks/sepay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Apikey ${process.env.SEPAY_API_KEY}` },
      body: JSON.stringify({
        id: Date.now(), gateway: 'Vietcombank', transactionDate: '2026-11-26 10:00:00',
        accountNumber: process.env.SEPAY_ACCOUNT_NUMBER, code: null,
        content: `${reference} thanh toan`, transferType: 'in', transferAmount: 10000,
        accumulated: 0, subAccount: null, referenceCode: 'FT1', description: '',
      }),
    });
    assert.deepEqual(await webhook.json(), { success: true });
    await page.locator('#pos-done').waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#pos-change').innerText(), '0 ₫');
    assert.equal(await stockOf(COLA_BARCODE), colaBefore - 3);
  }
  if (email) {
    const users = await page.goto(`${base}/users`);
    assert.equal(users.status(), 403, 'a cashier must not manage users');
    assert.equal(await page.locator('nav.sidebar a[href="/users"]').count(), 0);
  }
  console.log('checkout in the browser: ok');
} finally {
  await browser.close();
}
