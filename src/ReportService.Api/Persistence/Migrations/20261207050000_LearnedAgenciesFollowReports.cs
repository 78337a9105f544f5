using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>A learned agency follows its reports: the latest year's name, region, level and kind, corrections included (ADR 15).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261207050000_LearnedAgenciesFollowReports")]
internal sealed class LearnedAgenciesFollowReports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261207050000_LearnedAgenciesFollowReports.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            CREATE OR REPLACE FUNCTION learn_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO agencies (credit_code, name, region_code, level, kind, first_year, last_year, source, version,
                                      changed_at, changed_by, changed_client)
                SELECT DISTINCT ON (r.credit_code) r.credit_code, r.agency_name, r.region_code, r.level, r.kind, r.year, NULL, 'report', 1,
                       n.submitted_at, n.submitted_by, n.submitted_client
                FROM new_revisions n JOIN reports r ON r.id = n.report_id
                WHERE r.kind <> 'government' AND r.scope = 'agency'
                ORDER BY r.credit_code, r.year
                ON CONFLICT (credit_code) DO UPDATE
                    SET first_year = excluded.first_year, version = agencies.version + 1,
                        changed_at = excluded.changed_at, changed_by = excluded.changed_by, changed_client = excluded.changed_client
                    WHERE agencies.source = 'report' AND excluded.first_year < agencies.first_year;
                RETURN NULL;
            END
            $$;
            DROP TRIGGER reports_follow_agencies ON reports;
            DROP FUNCTION follow_corrected_agencies();
            DROP FUNCTION learn_agencies_of(uuid[]);
            DROP FUNCTION agencies_as_reported(text[]);
            """);
}
