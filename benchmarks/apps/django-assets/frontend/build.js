'use strict';

// `npm run build`: minifies frontend/cart.js into frontend/dist/shop.min.js with terser.
const fs = require('fs');
const path = require('path');
const { minify } = require('terser');

async function main() {
  const source = fs.readFileSync(path.join(__dirname, 'cart.js'), 'utf8');
  const result = await minify(source, { compress: true, mangle: true });
  fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'dist', 'shop.min.js'), `/* shop bundle */${result.code}\n`);
  console.log(`built dist/shop.min.js (${result.code.length} bytes)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
