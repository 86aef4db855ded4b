import { serveFunction } from '../_shared/runtime/serve.ts';
import { createHandler } from './handler.ts';

serveFunction(createHandler);
