import { ArticleList } from './components/ArticleList';

export function App() {
  return (
    <main>
      <h1>Acme articles</h1>
      <ArticleList />
    </main>
  );
}
