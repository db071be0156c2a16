export const config = {
  port: Number(process.env.PORT ?? 3000),
  pageSize: Number(process.env.PAGE_SIZE ?? 20),
};
