using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WarningRelations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customer_relations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FromCustomerId = table.Column<int>(type: "integer", nullable: false),
                    ToCustomerId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Direction = table.Column<int>(type: "integer", nullable: false),
                    AnnualAmount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    Strength = table.Column<decimal>(type: "numeric(5,4)", precision: 5, scale: 4, nullable: true),
                    Source = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Evidence = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ValidFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    ValidTo = table.Column<DateOnly>(type: "date", nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FromOrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    FromAccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ToOrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ToAccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_relations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_customer_relations_customers_FromCustomerId",
                        column: x => x.FromCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_customer_relations_customers_ToCustomerId",
                        column: x => x.ToCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_customer_relations_FromCustomerId_Kind",
                table: "customer_relations",
                columns: new[] { "FromCustomerId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_customer_relations_Status",
                table: "customer_relations",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_customer_relations_ToCustomerId_Kind",
                table: "customer_relations",
                columns: new[] { "ToCustomerId", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_relations");
        }
    }
}
