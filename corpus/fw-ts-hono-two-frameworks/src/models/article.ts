export interface Article {
  slug: string;
  title: string;
  body: string;
}
