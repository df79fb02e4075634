require("assert").ok(true);
