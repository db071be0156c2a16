import Koa from "koa";
import bodyParser from "koa-bodyparser";

import { articleRouter } from "./routes/articles";
import { healthRouter } from "./routes/health";

export function createApp(): Koa {
  const app = new Koa();
  app.use(bodyParser());
  app.use(healthRouter.routes());
  app.use(articleRouter.routes()).use(articleRouter.allowedMethods());
  return app;
}
