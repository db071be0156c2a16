import { createApp } from "./app";
import { AppDataSource } from "./data-source";

const PORT = Number(process.env.PORT ?? 3000);

AppDataSource.initialize()
  .then(() => {
    createApp().listen(PORT, () => console.log(`Conduit listening on ${PORT}`));
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
