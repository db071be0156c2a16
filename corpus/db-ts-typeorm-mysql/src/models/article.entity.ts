import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "articles" })
export class Article {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ unique: true })
  slug: string;

  @Column()
  title: string;

  @Column({ type: "text", default: "" })
  body: string;
}
