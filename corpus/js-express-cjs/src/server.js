const app = require('./app');
const { sequelize } = require('./models');

const PORT = Number(process.env.PORT) || 3000;

sequelize
  .sync()
  .then(() => {
    app.listen(PORT, () => console.log(`conduit listening on http://localhost:${PORT}/api`));
  })
  .catch((err) => {
    console.error('could not create the schema', err);
    process.exit(1);
  });
