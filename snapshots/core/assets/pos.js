// The till: search or scan, a cart kept in the browser, and checkout through
// the JSON API. The server prices every order; the figure shown before the
// order exists is only an estimate, and after it the server's numbers are shown.
(function () {
  "use strict";

  var root = document.getElementById("pos");
  if (!root) { return; }
  var msg = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var search = $("pos-search");
  var results = $("pos-results");
  var cartBody = $("pos-cart");
  var statusLine = $("pos-status");
  var alertBox = $("pos-alert");
  var tendered = $("pos-tendered");
  var discount = $("pos-discount");
  // The warehouse this till sells from, where the app has several: kept per
  // device, since a till stays where it stands.
  var till = $("pos-warehouse");
  var TILL_KEY = "poscake.till.warehouse";
  if (till) {
    var remembered = window.localStorage.getItem(TILL_KEY);
    if (remembered && till.querySelector('option[value="' + remembered + '"]')) { till.value = remembered; }
    till.addEventListener("change", function () { window.localStorage.setItem(TILL_KEY, till.value); });
  }
  var completeButton = $("pos-complete");

  // One sale. `key` is the Idempotency-Key: made once per cart content, so a
  // double click or a retry of the same cart can never create two orders.
  var sale;
  // What the results list offers: `{product, variant}` entries, where a
  // product found by name has no variant yet and one product's variants,
  // offered to pick a size, each have theirs.
  var found = [];
  var highlighted = -1;
  var searchTimer = null;
  var searchSeq = 0;

  function newSale() {
    sale = { items: [], customerId: null, order: null, key: null, busy: false };
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "pos-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  function vnd(amount) {
    var sign = amount < 0 ? "-" : "";
    var digits = String(Math.abs(amount));
    return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".") + " ₫";
  }

  // Cashiers type "45.000", "45000" or "45 000"; all mean 45000 đồng.
  function readAmount(input) {
    var digits = input.value.replace(/[^\d]/g, "");
    return digits === "" ? 0 : parseInt(digits, 10);
  }

  function say(text) { statusLine.textContent = text; }

  // The API's JSON answer; anything else (a proxy's error page) rejects.
  function json(response) { return response.json(); }

  // "Áo thun (L)": a named variant follows its product's name, as on receipts.
  function itemName(product, variant) {
    return variant.name ? product.name + " (" + variant.name + ")" : product.name;
  }

  function showAlert(lines) {
    alertBox.replaceChildren();
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      alertBox.appendChild(p);
    });
    alertBox.hidden = lines.length === 0;
  }

  function cartChanged() {
    // A different cart is a different sale: it needs a new key.
    sale.key = sale.items.length ? newKey() : null;
    renderCart();
  }

  function locked() { return sale.order !== null; }

  function renderCart() {
    cartBody.replaceChildren();
    var estimate = 0;
    sale.items.forEach(function (item, index) {
      estimate += item.price * item.quantity;
      var row = document.createElement("tr");
      if (item.short) { row.className = "short"; }
      var name = document.createElement("td");
      name.textContent = item.name + " · " + item.sku;
      var price = document.createElement("td");
      price.className = "num";
      price.textContent = vnd(item.price);
      var cell = document.createElement("td");
      var qty = document.createElement("div");
      qty.className = "qty";
      cell.appendChild(qty);
      var minus = button("−", msg.msgDecrease + ": " + item.name, function () { setQuantity(index, item.quantity - 1); });
      var field = document.createElement("input");
      field.type = "number";
      field.min = "1";
      field.value = String(item.quantity);
      field.setAttribute("aria-label", msg.msgQuantity + ": " + item.name);
      field.addEventListener("change", function () { setQuantity(index, parseInt(field.value, 10) || 0); });
      var plus = button("+", msg.msgIncrease + ": " + item.name, function () { setQuantity(index, item.quantity + 1); });
      qty.append(minus, field, plus);
      var total = document.createElement("td");
      total.className = "num";
      total.textContent = vnd(item.price * item.quantity);
      var remove = document.createElement("td");
      remove.appendChild(button("✕", msg.msgRemove + ": " + item.name, function () { setQuantity(index, 0); }));
      row.append(name, price, cell, total, remove);
      [minus, field, plus].forEach(function (el) { el.disabled = locked(); });
      cartBody.appendChild(row);
    });
    $("pos-empty").hidden = sale.items.length > 0;
    $("pos-estimate").textContent = vnd(Math.max(0, estimate - readAmount(discount)));
    discount.disabled = locked();
  }

  function button(label, name, onClick) {
    var el = document.createElement("button");
    el.type = "button";
    el.textContent = label;
    el.setAttribute("aria-label", name);
    el.addEventListener("click", onClick);
    return el;
  }

  function setQuantity(index, quantity) {
    if (locked()) { return; }
    if (quantity <= 0) { sale.items.splice(index, 1); } else { sale.items[index].quantity = quantity; }
    cartChanged();
  }

  // The cart holds variants: the same shirt in two sizes is two lines.
  function addVariant(product, variant) {
    var name = itemName(product, variant);
    if (!product.active || !variant.active) { say(msg.msgNotForSale + ": " + name); return; }
    // Scanning the next customer's first item after a paid sale starts a new sale.
    if (sale.order && sale.order.remaining === 0) { clearSale(false); }
    if (locked()) { return; }
    var existing = sale.items.find(function (item) { return item.variantId === variant.id; });
    if (existing) {
      existing.quantity += 1;
    } else {
      sale.items.push({ productId: product.id, variantId: variant.id, name: name, sku: variant.sku, price: variant.price, quantity: 1 });
    }
    showAlert([]);
    say(msg.msgAdded + ": " + name);
    cartChanged();
  }

  // ---- search ----

  function closeResults() {
    results.hidden = true;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    highlighted = -1;
  }

  function renderResults() {
    results.replaceChildren();
    found.forEach(function (entry, index) {
      var shown = entry.variant || entry.product;
      var name = entry.variant ? itemName(entry.product, entry.variant) : entry.product.name;
      var li = document.createElement("li");
      li.id = "pos-result-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", index === highlighted ? "true" : "false");
      li.textContent = name + " · " + shown.sku + " · " + vnd(shown.price) + " · " + msg.msgStock + " " + shown.stock;
      li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(index); });
      results.appendChild(li);
    });
    results.hidden = found.length === 0;
    search.setAttribute("aria-expanded", found.length ? "true" : "false");
    if (highlighted >= 0) { search.setAttribute("aria-activedescendant", "pos-result-" + highlighted); }
  }

  function offer(entries) {
    found = entries;
    highlighted = found.length ? 0 : -1;
    renderResults();
  }

  // Lists the products `term` finds, unless a newer search has begun; resolves
  // to them, or to null when they came too late to be shown.
  function lookup(term) {
    var seq = ++searchSeq;
    return fetch("/api/products?pageSize=8&search=" + encodeURIComponent(term))
      .then(json)
      .then(function (body) {
        if (seq !== searchSeq) { return null; }
        var products = body.success ? body.data : [];
        offer(products.map(function (product) { return { product: product, variant: null }; }));
        return products;
      });
  }

  function pick(index) {
    var entry = found[index];
    var term = search.value.trim();
    search.value = "";
    found = [];
    closeResults();
    search.focus();
    if (!entry) { return; }
    if (entry.variant) { addVariant(entry.product, entry.variant); } else { pickProduct(entry.product, term); }
  }

  // A product picked from the results: the variant whose code was typed, or
  // its only one, goes into the cart; otherwise the list offers its variants.
  function pickProduct(product, term) {
    var seq = ++searchSeq;
    fetch("/api/products/" + product.id + "/variants")
      .then(json)
      .then(function (body) {
        if (!body.success) { say(msg.msgError); return; }
        var variants = body.data.filter(function (variant) { return variant.active; });
        var typed = variants.find(function (variant) { return variant.sku === term || variant.barcode === term; });
        if (typed || variants.length === 1) {
          addVariant(product, typed || variants[0]);
        } else if (variants.length === 0) {
          say(msg.msgNotForSale + ": " + product.name);
        } else if (seq === searchSeq && search.value.trim() === "") {
          offer(variants.map(function (variant) { return { product: product, variant: variant }; }));
          say(msg.msgChooseVariant + ": " + product.name);
        }
      })
      .catch(function () { say(msg.msgError); });
  }

  // A scanner types the code and presses Enter: an exact SKU or barcode goes
  // straight into the cart, without waiting for the typed search to settle.
  function enter() {
    var term = search.value.trim();
    if (highlighted >= 0 && !results.hidden && searchTimer === null) {
      pick(highlighted);
      return;
    }
    if (term === "") { return; }
    clearTimeout(searchTimer);
    searchTimer = null;
    scan(term);
  }

  // The cashier may already be typing the next item when the answer for a scan
  // arrives: the scanned variant still goes into the cart, but the search box
  // and its results are only touched while they still show the scanned code.
  // A term that is no SKU or barcode is searched for by name.
  function scan(term) {
    ++searchSeq; // a typed search still in flight is out of date
    fetch("/api/products/lookup?code=" + encodeURIComponent(term))
      .then(json)
      .then(function (body) {
        var unchanged = search.value.trim() === term;
        if (body.success) {
          addVariant(body.data.product, body.data.variant);
          if (unchanged) { search.value = ""; found = []; closeResults(); }
          return null;
        }
        if (!unchanged) { return null; }
        return lookup(term).then(function (products) {
          if (products && products.length === 0) {
            say(msg.msgNoMatch + ": " + term);
            search.select();
          }
        });
      })
      .catch(function () { say(msg.msgError); });
  }

  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var term = search.value.trim();
    if (term === "") { found = []; closeResults(); searchTimer = null; return; }
    searchTimer = setTimeout(function () {
      searchTimer = null;
      lookup(term).catch(function () { say(msg.msgError); });
    }, 200);
  });

  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!found.length) { return; }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlighted = (highlighted + step + found.length) % found.length;
      renderResults();
    } else if (event.key === "Enter") {
      event.preventDefault();
      enter();
    } else if (event.key === "Escape" && !results.hidden) {
      event.preventDefault();
      event.stopPropagation();
      closeResults();
    }
  });

  search.addEventListener("blur", function () { setTimeout(closeResults, 150); });

  // ---- customer ----
  // Only the customer with the whole number typed (in any form the API reads:
  // "+84 912 345 678" is "0912 345 678") is attached. Part of a number lists
  // the customers it matches, and none is attached until the cashier picks one.

  var phoneField = $("pos-phone");
  var customerLine = $("pos-customer");
  var choices = $("pos-customer-choices");
  var customerSeq = 0;

  $("pos-find-customer").addEventListener("click", findCustomer);
  phoneField.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); findCustomer(); }
  });

  function customers(query) {
    return fetch("/api/customers?" + query).then(json).then(function (body) {
      if (!body.success) { throw new Error(body.error.message); }
      return body.data;
    });
  }

  function findCustomer() {
    var typed = phoneField.value.trim();
    var digits = typed.replace(/[^\d]/g, "");
    var seq = ++customerSeq; // an earlier look-up still in flight is out of date
    attach(null);
    showChoices([]);
    if (digits === "") { return; }
    customers("phone=" + encodeURIComponent(typed))
      .then(function (exact) {
        if (seq !== customerSeq) { return null; }
        if (exact.length === 1) { attach(exact[0]); return null; }
        return customers("pageSize=5&search=" + digits);
      })
      .then(function (similar) {
        if (!similar || seq !== customerSeq) { return; }
        customerLine.textContent = similar.length ? msg.msgCustomerChoose : msg.msgCustomerNone;
        showChoices(similar);
      })
      .catch(function () { customerLine.textContent = msg.msgError; });
  }

  function attach(customer) {
    sale.customerId = customer ? customer.id : null;
    customerLine.textContent = customer ? customer.name + " · " + customer.phone : "";
    if (!locked()) { cartChanged(); }
  }

  function showChoices(list) {
    choices.replaceChildren();
    list.forEach(function (customer) {
      var el = document.createElement("button");
      el.type = "button";
      el.textContent = customer.name + " · " + customer.phone;
      el.addEventListener("click", function () {
        showChoices([]);
        phoneField.value = customer.phone;
        attach(customer);
        search.focus();
      });
      choices.appendChild(el);
    });
    choices.hidden = list.length === 0;
    if (list.length) { choices.firstChild.focus(); }
  }

  // ↑ ↓ move between the customers offered; Esc goes back to the number.
  choices.addEventListener("keydown", function (event) {
    var all = Array.prototype.slice.call(choices.children);
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      all[(at + step + all.length) % all.length].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      showChoices([]);
      customerLine.textContent = "";
      phoneField.focus();
    }
  });

  // ---- tender and checkout ----

  discount.addEventListener("input", function () { if (!locked()) { cartChanged(); } });

  document.querySelectorAll("[data-tender]").forEach(function (el) {
    el.addEventListener("click", function () {
      var value = el.dataset.tender;
      if (value === "exact") {
        var due = sale.order ? sale.order.remaining : readAmount({ value: $("pos-estimate").textContent });
        tendered.value = vnd(due).replace(" ₫", "");
      } else {
        tendered.value = vnd(parseInt(value, 10)).replace(" ₫", "");
      }
      tendered.focus();
    });
  });

  tendered.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); complete(); }
  });

  completeButton.addEventListener("click", complete);

  function post(url, body, headers) {
    var all = { "Content-Type": "application/json" };
    Object.keys(headers || {}).forEach(function (name) { all[name] = headers[name]; });
    return fetch(url, { method: "POST", headers: all, body: JSON.stringify(body) })
      .then(function (response) { return response.json(); });
  }

  function showOrder(order) {
    sale.order = order;
    $("pos-server-totals").hidden = false;
    $("pos-number").textContent = order.number;
    $("pos-subtotal").textContent = vnd(order.subtotal);
    $("pos-discount-total").textContent = vnd(order.discount);
    $("pos-tax").textContent = vnd(order.tax);
    $("pos-total").textContent = vnd(order.total);
    $("pos-remaining").textContent = vnd(order.remaining);
    renderCart();
  }

  function explain(error) {
    if (error.code === "INSUFFICIENT_STOCK") {
      var lines = [msg.msgShort];
      (error.details || []).forEach(function (short) {
        var item = sale.items.find(function (i) { return i.variantId === short.variantId; });
        if (item) { item.short = true; }
        var name = item ? item.name : short.sku;
        lines.push(name + " (" + short.sku + "): " + msg.msgRequested + " " + short.requested + ", " + msg.msgAvailable + " " + short.available);
      });
      renderCart();
      showAlert(lines);
    } else {
      var details = (error.details || []).map(function (d) { return d.field + ": " + d.message; });
      showAlert([error.message].concat(details));
    }
  }

  // The order for this cart: made once (the Idempotency-Key makes a retry
  // return the same order), then kept for every payment towards it. `payment`,
  // the cash handed over, is taken in the same request as the order.
  function placeOrder(payment) {
    if (sale.order) { return Promise.resolve({ success: true, data: sale.order }); }
    return post("/api/orders", {
      items: sale.items.map(function (item) {
        return { productId: item.productId, variantId: item.variantId, quantity: item.quantity };
      }),
      customerId: sale.customerId,
      discount: readAmount(discount),
      warehouseId: till ? Number(till.value) : undefined,
      payment: payment
    }, { "Idempotency-Key": sale.key });
  }

  // Takes `cash` for this sale and resolves to where the payment leaves the
  // order (status, remaining, payments), or to null when there is nothing to
  // show. The first press places the order and takes the cash together; cash
  // towards an order already placed is a payment of its own.
  function takeCash(cash) {
    if (!sale.order) {
      return placeOrder(cash > 0 ? { method: "cash", amount: cash } : undefined).then(function (body) {
        if (!body.success) { explain(body.error); return null; }
        showOrder(body.data);
        if (cash <= 0) { tendered.focus(); return null; }
        return body.data;
      });
    }
    if (cash <= 0) { tendered.focus(); return Promise.resolve(null); }
    return post("/api/orders/" + sale.order.id + "/payments", { method: "cash", amount: cash }).then(function (body) {
      if (!body.success) { explain(body.error); return null; }
      return body.data;
    });
  }

  function complete() {
    if (sale.busy) { return; }
    if (!sale.items.length && !sale.order) { say(msg.msgEmpty); search.focus(); return; }
    var cash = readAmount(tendered);
    sale.busy = true;
    completeButton.disabled = true;
    takeCash(cash).then(function (paid) {
      if (!paid) { return; }
      sale.order.remaining = paid.remaining;
      $("pos-remaining").textContent = vnd(paid.remaining);
      tendered.value = "";
      showAlert([]);
      if (paid.status === "pending") {
        say(msg.msgTenderShort + " " + msg.msgRemaining + ": " + vnd(paid.remaining));
        tendered.focus();
        return;
      }
      var change = paid.payments.reduce(function (sum, p) { return sum + p.change; }, 0);
      finish(sale.order.id, change);
    }).catch(function () {
      say(msg.msgError);
    }).then(function () {
      sale.busy = false;
      completeButton.disabled = false;
    });
  }

  function finish(orderId, change) {
    $("pos-change").textContent = vnd(change);
    var receipt = $("pos-receipt");
    receipt.href = "/orders/" + orderId + "/receipt?print=1";
    $("pos-done").hidden = false;
    receipt.focus();
  }

  // ---- gateway payments: bank transfer by QR, e-wallets, cards ----
  // The customer pays on their own phone; the till asks the server every two
  // seconds until the gateway's notification has paid the attempt.

  var methods = $("pos-methods");
  var watching = { id: null, timer: null };

  function stopWatching() {
    clearTimeout(watching.timer);
    watching.id = null;
    watching.timer = null;
    if (methods) { $("pos-gateway").hidden = true; }
  }

  function payBy(method) {
    if (sale.busy) { return; }
    if (!sale.items.length && !sale.order) { say(msg.msgEmpty); search.focus(); return; }
    sale.busy = true;
    placeOrder().then(function (body) {
      if (!body.success) { explain(body.error); return null; }
      showOrder(body.data);
      return post("/api/orders/" + body.data.id + "/payments", { method: method });
    }).then(function (body) {
      if (!body) { return; }
      if (!body.success) { explain(body.error); return; }
      showAlert([]);
      showGateway(body.data);
    }).catch(function () {
      say(msg.msgError);
    }).then(function () {
      sale.busy = false;
    });
  }

  function showGateway(started) {
    stopWatching();
    var qr = $("pos-gateway-qr");
    var link = $("pos-gateway-link");
    qr.hidden = !started.qrUrl;
    if (started.qrUrl) { qr.src = started.qrUrl; }
    link.hidden = !started.redirectUrl;
    if (started.redirectUrl) { link.href = started.redirectUrl; }
    $("pos-gateway-status").textContent = methods.dataset.msgWaiting + " " + vnd(started.amount) + " · " + started.reference;
    $("pos-gateway").hidden = false;
    watching.id = started.paymentId;
    watch(started.paymentId);
  }

  function watch(id) {
    watching.timer = setTimeout(function () {
      fetch("/api/payments/" + id)
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (watching.id !== id) { return; }
          var status = body.success ? body.data.status : "pending";
          if (status === "succeeded") {
            gatewayPaid();
          } else if (status === "failed") {
            stopWatching();
            showAlert([methods.dataset.msgFailed]);
          } else {
            watch(id);
          }
        })
        .catch(function () { if (watching.id === id) { watch(id); } });
    }, 2000);
  }

  function gatewayPaid() {
    var orderId = sale.order.id;
    stopWatching();
    fetch("/api/orders/" + orderId)
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body.success) { say(msg.msgError); return; }
        showOrder(body.data);
        say(methods.dataset.msgPaid);
        if (body.data.remaining === 0) { finish(orderId, 0); }
      })
      .catch(function () { say(msg.msgError); });
  }

  if (methods) {
    methods.querySelectorAll("[data-method]").forEach(function (el) {
      el.addEventListener("click", function () { payBy(el.dataset.method); });
    });
    $("pos-gateway-cancel").addEventListener("click", function () {
      stopWatching();
      tendered.focus();
    });
  }

  function clearSale(ask) {
    if (ask && sale.items.length && !(sale.order && sale.order.remaining === 0) && !window.confirm(msg.msgConfirmClear)) { return; }
    stopWatching();
    newSale();
    ["pos-phone", "pos-tendered"].forEach(function (id) { $(id).value = ""; });
    discount.value = "0";
    customerSeq += 1; // a customer still being looked up was for the sale before
    customerLine.textContent = "";
    showChoices([]);
    $("pos-server-totals").hidden = true;
    $("pos-done").hidden = true;
    showAlert([]);
    say("");
    renderCart();
    search.value = "";
    search.focus();
  }

  $("pos-clear").addEventListener("click", function () { clearSale(true); });

  document.addEventListener("keydown", function (event) {
    if (event.key === "F2") { event.preventDefault(); search.focus(); search.select(); }
    else if (event.key === "F4") { event.preventDefault(); tendered.focus(); tendered.select(); }
    else if (event.key === "F9") { event.preventDefault(); complete(); }
    else if (event.key === "Escape") { event.preventDefault(); clearSale(true); }
  });

  newSale();
  renderCart();
  search.focus();
})();
