// Adds up the prices on the page and shows the total.
function formatPrice(value) {
  return value.toFixed(2);
}

function cartTotal(items) {
  let total = 0;
  for (const item of items) {
    total += Number(item.dataset.price);
  }
  return total;
}

window.addEventListener('DOMContentLoaded', function showTotal() {
  const items = document.querySelectorAll('li[data-price]');
  document.getElementById('total').textContent = 'Total: ' + formatPrice(cartTotal(items));
});
