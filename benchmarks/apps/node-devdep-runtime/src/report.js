"use strict";

// dayjs is listed in devDependencies, but this module needs it at run time.
const dayjs = require("dayjs");

function summarise(shifts) {
  let totalHours = 0;
  const people = new Set();
  for (const shift of shifts) {
    const hours = dayjs(shift.end).diff(dayjs(shift.start), "hour", true);
    totalHours += hours;
    people.add(shift.who);
  }
  const first = shifts.length
    ? dayjs(shifts[0].start).format("YYYY-MM-DD")
    : null;
  return {
    shifts: shifts.length,
    people: people.size,
    hours: Math.round(totalHours * 10) / 10,
    from: first,
  };
}

module.exports = { summarise };
