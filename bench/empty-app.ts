import { App } from 'cdk8s';

// The bench's baseline for `cdk8s synth`: an app with no chart, so that the CLI's own cost (start-up,
// running the app, listing the output) is measured alone.
new App().synth();
