// A cashier's sale in a real browser, against a generated app serving the demo seed:
// scan a barcode twice, find a product by name, scan a size's own barcode, pick a
// product's size from the keyboard, attach a customer by phone, take cash, complete,
// print the receipt.
// Usage: node checkout.mjs http://127.0.0.1:PORT
// With POS_EMAIL and POS_PASSWORD set (an app with sign-in), the cashier signs in
// first, and afterwards finds the users page closed to them. With SEPAY_API_KEY set
// (an app taking bank transfers), a second sale is paid by VietQR: the till shows
// the QR, the bank's webhook arrives, and the till flips to paid by itself.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.argv[2];
const COLA_BARCODE = '8930000000011'; // 10.000 ₫ in the demo seed
const SHIRT_XL_BARCODE = '8930000000200'; // the XL of a 150.000 ₫ shirt, 160.000 ₫
const email = process.env.POS_EMAIL;
const password = process.env.POS_PASSWORD;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage();
  // The page's own requests carry its session cookie.
  const api = async (path) => {
    const response = await page.request.get(`${base}${path}`);
    const body = await response.json();
    assert.ok(body.success, `${path}: ${JSON.stringify(body)}`);
    return body.data;
  };
  const stockOf = async (search) => (await api(`/api/products?search=${encodeURIComponent(search)}`))[0].stock;
  const variantOf = async (code) => (await api(`/api/products/lookup?code=${code}`)).variant;
  const cartRow = (name) => page.locator('#pos-cart tr', { hasText: name });
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
  const shirtXl = await variantOf(SHIRT_XL_BARCODE);
  // A slow shop network: the answer to a scan arrives after the cashier has
  // started typing the next item, which must neither lose the scan nor the typing.
  const slowly = async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  };
  await page.route('**/api/products?*', slowly);
  await page.route('**/api/products/lookup?*', slowly);
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

  // A size's own barcode sells that size, at its own price, beside the others.
  await page.keyboard.type(SHIRT_XL_BARCODE);
  await page.keyboard.press('Enter');
  const shirtRow = cartRow('Áo thun cotton trơn (XL)');
  await shirtRow.waitFor();
  assert.equal(await shirtRow.locator('td').nth(1).innerText(), '160.000 ₫');

  // A product in several sizes found by name: its sizes are offered, picked with the keys.
  await page.locator('#pos-search').fill('ao mua');
  await page.locator('#pos-results li').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('#pos-results li', { hasText: 'Áo mưa bộ (XL)' }).waitFor();
  assert.equal(await page.locator('#pos-results li').count(), 3);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const coatRow = cartRow('Áo mưa bộ (L)');
  await coatRow.waitFor();
  assert.equal(await coatRow.locator('td').nth(1).innerText(), '85.000 ₫');
  assert.equal(await page.locator('#pos-cart tr').count(), 4);

  // Part of a number offers the customers it matches and attaches nobody until one is
  // picked; a whole number in another form attaches its customer at once.
  const phone = page.locator('#pos-phone');
  const customerLine = page.locator('#pos-customer');
  const choices = page.locator('#pos-customer-choices button');
  await phone.fill('345');
  await phone.press('Enter');
  await choices.nth(2).waitFor();
  assert.equal(await choices.count(), 3);
  assert.equal(await customerLine.innerText(), 'Chọn đúng khách hàng:');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await customerLine.innerText(), 'Phạm Thu Hà · 0934567890');
  assert.equal(await choices.count(), 0);
  await phone.fill('+84 912 345 678');
  await phone.press('Enter');
  await page.locator('#pos-customer', { hasText: 'Trần Thị Bích' }).waitFor();
  assert.equal(await customerLine.innerText(), 'Trần Thị Bích · 0912345678');
  assert.equal(await choices.count(), 0);
  assert.equal(await page.locator('#pos-cart tr').count(), 4);

  await page.keyboard.press('F4');
  await page.keyboard.type('500000');
  await page.keyboard.press('F9');
  await page.locator('#pos-done').waitFor();
  assert.equal(await page.locator('#pos-total').innerText(), '320.000 ₫');
  assert.equal(await page.locator('#pos-change').innerText(), '180.000 ₫');

  const receipt = await page.locator('#pos-receipt').getAttribute('href');
  const orderId = receipt.match(/\/orders\/(\d+)\//)[1];
  const order = await api(`/api/orders/${orderId}`);
  const [customer] = await api('/api/customers?phone=0912345678');
  assert.equal(order.customerId, customer.id);
  const shirtLine = order.items.find((line) => line.variantId === shirtXl.id);
  assert.ok(shirtLine, JSON.stringify(order.items));
  assert.deepEqual([shirtLine.variantName, shirtLine.sku, shirtLine.unitPrice], ['XL', 'TT-AOTHUN-XL', 160000]);
  await page.goto(`${base}${receipt.replace('?print=1', '')}`);
  const text = await page.locator('body').innerText();
  for (const expected of ['HD0000', '2 × 10.000 ₫', 'Áo thun cotton trơn (XL)', '1 × 160.000 ₫', 'Áo mưa bộ (L)', '1 × 85.000 ₫', '320.000 ₫', '500.000 ₫', '180.000 ₫']) {
    assert.ok(text.includes(expected), `the receipt lacks ${expected}:\n${text}`);
  }
  assert.equal(await stockOf(COLA_BARCODE), colaBefore - 2);
  assert.equal((await variantOf(SHIRT_XL_BARCODE)).stock, shirtXl.stock - 1);
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
