/** The CDK app: instantiate the stacks of one stage, register cdk-nag. Nothing else. */
import { App } from 'aws-cdk-lib';
import { stageConfigFrom } from '../lib/config/stage-config.ts';
import { definePlumbline } from '../lib/plumbline-app.ts';

const app = new App();
definePlumbline(app, stageConfigFrom(app.node));
app.synth();
