// @ts-check

/**
 * What the feedback writer last told each merge request about each environment, so that restarts
 * and other replicas edit the same comment and deployment instead of posting new ones.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('blueberry_merge_request_feedback', table => {
    table.comment(
      'The comment and status each merge request has about an environment',
    );
    table.string('environment', 63).notNullable();
    table.string('merge_request_url', 500).notNullable();
    table.string('provider', 16).notNullable();
    table.string('comment_id', 64).nullable();
    table.string('deployment_id', 64).nullable();
    table.string('deployment_sha', 64).nullable();
    table.string('status_key', 500).nullable();
    table.string('written_digest', 64).nullable();
    table.text('last_state').nullable();
    table.bigInteger('written_at').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.bigInteger('retry_at').nullable();
    table.boolean('finished').notNullable().defaultTo(false);
    table.primary(['environment', 'merge_request_url']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('blueberry_merge_request_feedback');
};
