// Mocha's spec reporter, plus a JSON file with the run's totals (path in ENCLAVE_TOTALS_FILE), so
// `npm test` can add up every tier — including the one inside VS Code — into one closing line.
const fs = require("node:fs");
const path = require("node:path");
const Mocha = require("mocha");

class TotalsReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const file = process.env.ENCLAVE_TOTALS_FILE;
            if (!file) return;
            const {passes, failures, pending, duration} = runner.stats ?? {};
            fs.mkdirSync(path.dirname(file), {recursive: true});
            fs.writeFileSync(file, JSON.stringify({passed: passes ?? 0, failed: failures ?? 0, pending: pending ?? 0, durationMs: duration ?? 0}));
        });
    }
}

module.exports = TotalsReporter;
