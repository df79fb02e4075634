const isNumber = require("is-number");
const ms = require("ms");
console.log(`checked ${isNumber(process.argv[2] || "5")} ${ms(60000)}`);
