import postgres from 'postgres';
import { postgresStore } from '../../src/workflows/postgres/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { storeContract } from './store-contract.js';

await describeWithService('postgres', 'workflows postgresStore', () => {
  storeContract('postgresStore', async () => {
    const sql = postgres(services.postgres.url, { max: 4, onnotice: () => {} });
    const schema = uniquePrefix('wfstore').toLowerCase();
    return {
      store: postgresStore(sql, { schema }),
      async cleanup() {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await sql.end();
      },
    };
  });
});
