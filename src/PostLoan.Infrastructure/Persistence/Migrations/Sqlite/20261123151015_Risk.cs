using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Risk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "classification_changes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", nullable: true),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    From = table.Column<int>(type: "INTEGER", nullable: false),
                    To = table.Column<int>(type: "INTEGER", nullable: false),
                    Floor = table.Column<int>(type: "INTEGER", nullable: false),
                    Reasons = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ProposedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ProposedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DecidedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecisionNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_classification_changes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_classification_changes_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ecl_results",
                columns: table => new
                {
                    Month = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", nullable: true),
                    ProductId = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    StageReasons = table.Column<int>(type: "INTEGER", nullable: false),
                    DaysPastDue = table.Column<int>(type: "INTEGER", nullable: false),
                    Bucket = table.Column<int>(type: "INTEGER", nullable: false),
                    PdSource = table.Column<int>(type: "INTEGER", nullable: false),
                    Pd12Month = table.Column<double>(type: "REAL", nullable: false),
                    PdLifetime = table.Column<double>(type: "REAL", nullable: false),
                    Security = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Coverage = table.Column<decimal>(type: "TEXT", nullable: false),
                    Lgd = table.Column<decimal>(type: "TEXT", nullable: false),
                    Principal = table.Column<long>(type: "INTEGER", nullable: false),
                    Ead = table.Column<long>(type: "INTEGER", nullable: false),
                    RemainingMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    Horizon = table.Column<int>(type: "INTEGER", nullable: false),
                    DiscountRate = table.Column<decimal>(type: "TEXT", nullable: false),
                    EclBase = table.Column<long>(type: "INTEGER", nullable: false),
                    EclUpside = table.Column<long>(type: "INTEGER", nullable: false),
                    EclDownside = table.Column<long>(type: "INTEGER", nullable: false),
                    Ecl = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ecl_results", x => new { x.Month, x.LoanId });
                });

            migrationBuilder.CreateTable(
                name: "ecl_runs",
                columns: table => new
                {
                    Month = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    AsOf = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Loans = table.Column<long>(type: "INTEGER", nullable: false),
                    Exposure = table.Column<decimal>(type: "TEXT", nullable: false),
                    Ecl = table.Column<decimal>(type: "TEXT", nullable: false),
                    EclStage1 = table.Column<decimal>(type: "TEXT", nullable: false),
                    EclStage2 = table.Column<decimal>(type: "TEXT", nullable: false),
                    EclStage3 = table.Column<decimal>(type: "TEXT", nullable: false),
                    Parameters = table.Column<string>(type: "TEXT", nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Seconds = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ecl_runs", x => x.Month);
                });

            migrationBuilder.CreateTable(
                name: "ecl_scenarios",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Weight = table.Column<decimal>(type: "TEXT", nullable: false),
                    PdMultiplier = table.Column<decimal>(type: "TEXT", nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ecl_scenarios", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "lgd_rules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Security = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    MinCoverage = table.Column<decimal>(type: "TEXT", nullable: false),
                    Lgd = table.Column<decimal>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lgd_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "loan_classifications",
                columns: table => new
                {
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", nullable: true),
                    AsOf = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    Floor = table.Column<int>(type: "INTEGER", nullable: false),
                    Reasons = table.Column<int>(type: "INTEGER", nullable: false),
                    Proposed = table.Column<int>(type: "INTEGER", nullable: false),
                    Held = table.Column<int>(type: "INTEGER", nullable: true),
                    ChangedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    RestructureEventId = table.Column<long>(type: "INTEGER", nullable: false),
                    RestructuredOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    RestructureFloor = table.Column<int>(type: "INTEGER", nullable: true),
                    ObservationEnds = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_classifications", x => x.LoanId);
                    table.ForeignKey(
                        name: "FK_loan_classifications_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pd_overrides",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProductId = table.Column<int>(type: "INTEGER", nullable: true),
                    Bucket = table.Column<int>(type: "INTEGER", nullable: false),
                    Pd12Month = table.Column<decimal>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pd_overrides", x => x.Id);
                    table.ForeignKey(
                        name: "FK_pd_overrides_loan_products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "loan_products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "risk_flags",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: true),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", nullable: true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Since = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Until = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_risk_flags", x => x.Id);
                    table.ForeignKey(
                        name: "FK_risk_flags_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_classification_changes_LoanId_Date",
                table: "classification_changes",
                columns: new[] { "LoanId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_classification_changes_State_OrganisationPath",
                table: "classification_changes",
                columns: new[] { "State", "OrganisationPath" });

            migrationBuilder.CreateIndex(
                name: "IX_ecl_results_LoanId_Month",
                table: "ecl_results",
                columns: new[] { "LoanId", "Month" });

            migrationBuilder.CreateIndex(
                name: "IX_lgd_rules_Security_MinCoverage",
                table: "lgd_rules",
                columns: new[] { "Security", "MinCoverage" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loan_classifications_CustomerId",
                table: "loan_classifications",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_loan_classifications_OrganisationPath",
                table: "loan_classifications",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_pd_overrides_ProductId_Bucket",
                table: "pd_overrides",
                columns: new[] { "ProductId", "Bucket" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_risk_flags_CustomerId_Kind",
                table: "risk_flags",
                columns: new[] { "CustomerId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_risk_flags_LoanId",
                table: "risk_flags",
                column: "LoanId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "classification_changes");

            migrationBuilder.DropTable(
                name: "ecl_results");

            migrationBuilder.DropTable(
                name: "ecl_runs");

            migrationBuilder.DropTable(
                name: "ecl_scenarios");

            migrationBuilder.DropTable(
                name: "lgd_rules");

            migrationBuilder.DropTable(
                name: "loan_classifications");

            migrationBuilder.DropTable(
                name: "pd_overrides");

            migrationBuilder.DropTable(
                name: "risk_flags");
        }
    }
}
