import Router from "@koa/router";

export const healthRouter = new Router({ prefix: "/api" });

healthRouter.get("/health-check", (ctx) => {
  ctx.body = { status: "ok" };
});
