import postgres from 'postgres';
import { postgresStore } from '../../src/workflows/postgres/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runnerContract } from './runner-contract.js';

await describeWithService('postgres', 'workflow runner on PostgreSQL', () => {
  runnerContract('postgresStore', async () => {
    const sql = postgres(services.postgres.url, { max: 4, onnotice: () => {} });
    const schema = uniquePrefix('wfrun').toLowerCase();
    return {
      settleMs: 40,
      store: postgresStore(sql, { schema }),
      async cleanup() {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await sql.end();
      },
    };
  });
});
