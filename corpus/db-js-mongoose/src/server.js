const { buildApp } = require("./app");
const { connect } = require("./db");

const PORT = Number(process.env.PORT) || 3000;

async function main() {
  await connect();
  const app = buildApp();
  await app.listen({ port: PORT, host: "0.0.0.0" });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
