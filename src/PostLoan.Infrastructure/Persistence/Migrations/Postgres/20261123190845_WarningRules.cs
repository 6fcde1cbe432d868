using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WarningRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "warning_rule_refreshes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    SignalId = table.Column<long>(type: "bigint", nullable: false),
                    PreviousLastSeenOn = table.Column<DateOnly>(type: "date", nullable: false),
                    PreviousSeverity = table.Column<int>(type: "integer", nullable: false),
                    PreviousRuleVersionId = table.Column<int>(type: "integer", nullable: true),
                    PreviousDetail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_warning_rule_refreshes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_warning_rule_refreshes_warning_signals_SignalId",
                        column: x => x.SignalId,
                        principalTable: "warning_signals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "warning_rules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    NameZh = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NameEn = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Category = table.Column<int>(type: "integer", nullable: false),
                    Starter = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_warning_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "warning_rule_versions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RuleId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Expression = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    OrganisationIds = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ProductIds = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Industries = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CustomerKinds = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    EffectiveFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    EffectiveTo = table.Column<DateOnly>(type: "date", nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    AuthorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ApprovedById = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ApprovedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RetiredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_warning_rule_versions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_warning_rule_versions_warning_rules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "warning_rules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "warning_rule_runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    RuleVersionId = table.Column<int>(type: "integer", nullable: false),
                    RuleId = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Evaluated = table.Column<int>(type: "integer", nullable: false),
                    Hits = table.Column<int>(type: "integer", nullable: false),
                    Unknown = table.Column<int>(type: "integer", nullable: false),
                    Overlap = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_warning_rule_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_warning_rule_runs_warning_rule_versions_RuleVersionId",
                        column: x => x.RuleVersionId,
                        principalTable: "warning_rule_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "warning_shadow_hits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    RuleVersionId = table.Column<int>(type: "integer", nullable: false),
                    RuleId = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    PublishedAlsoFired = table.Column<bool>(type: "boolean", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_warning_shadow_hits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_warning_shadow_hits_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_warning_shadow_hits_warning_rule_versions_RuleVersionId",
                        column: x => x.RuleVersionId,
                        principalTable: "warning_rule_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_refreshes_Date_SignalId",
                table: "warning_rule_refreshes",
                columns: new[] { "Date", "SignalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_refreshes_SignalId",
                table: "warning_rule_refreshes",
                column: "SignalId");

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_runs_Date_RuleVersionId",
                table: "warning_rule_runs",
                columns: new[] { "Date", "RuleVersionId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_runs_RuleId_Date",
                table: "warning_rule_runs",
                columns: new[] { "RuleId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_runs_RuleVersionId",
                table: "warning_rule_runs",
                column: "RuleVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_versions_RuleId_Number",
                table: "warning_rule_versions",
                columns: new[] { "RuleId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_warning_rule_versions_State",
                table: "warning_rule_versions",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_warning_rules_Code",
                table: "warning_rules",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_warning_shadow_hits_CustomerId",
                table: "warning_shadow_hits",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_warning_shadow_hits_Date_RuleVersionId_CustomerId",
                table: "warning_shadow_hits",
                columns: new[] { "Date", "RuleVersionId", "CustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_warning_shadow_hits_RuleVersionId_Date",
                table: "warning_shadow_hits",
                columns: new[] { "RuleVersionId", "Date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "warning_rule_refreshes");

            migrationBuilder.DropTable(
                name: "warning_rule_runs");

            migrationBuilder.DropTable(
                name: "warning_shadow_hits");

            migrationBuilder.DropTable(
                name: "warning_rule_versions");

            migrationBuilder.DropTable(
                name: "warning_rules");
        }
    }
}
