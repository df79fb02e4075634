'use strict';

const ms = require('ms');

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// An SVG badge such as "uptime | 3d" for a number of milliseconds.
function badge(label, uptimeMs) {
  const value = ms(uptimeMs);
  const left = 8 + label.length * 7;
  const right = 8 + value.length * 7;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + right}" height="20">`,
    `<rect width="${left}" height="20" fill="#555"/>`,
    `<rect x="${left}" width="${right}" height="20" fill="#4c1"/>`,
    `<text x="4" y="14" fill="#fff">${escapeXml(label)}</text>`,
    `<text x="${left + 4}" y="14" fill="#fff">${escapeXml(value)}</text>`,
    '</svg>',
  ].join('');
}

module.exports = { badge };
