/**
 * Supabase driver of `Table`, over a caller's supabase-js client (optional peer
 * `@supabase/supabase-js`).
 *
 * @example
 * ```ts
 * import { createClient } from '@supabase/supabase-js';
 * import { supabaseTable } from '@wawagot/integrations/db/supabase';
 * const users = supabaseTable(createClient(url, key), 'users');
 * ```
 * @module
 */
export { quoteListValue } from './filters.js';
export { type SupabaseLike, type SupabaseTableOptions, supabaseTable } from './supabase-table.js';
