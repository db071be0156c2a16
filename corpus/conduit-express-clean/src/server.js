const { createApp } = require('./app');
const { createSequelize, loadEnvFile } = require('./db');
const { initModels } = require('./models');

const DEFAULT_PORT = 3000;

async function main() {
  loadEnvFile();
  const sequelize = createSequelize();
  initModels(sequelize);
  await sequelize.sync();

  const port = Number(process.env.PORT) || DEFAULT_PORT;
  const server = createApp().listen(port, () => {
    console.log(`Conduit API listening on port ${port}`);
  });

  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => server.close(() => sequelize.close()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
