//! An operation added to the spec becomes a typed SDK method with no hand-written Rust: the
//! same generator, the same `call::run` path, an `OPERATIONS` entry with its scope.

use rizzitgo_open_api_codegen::{generate, parse_spec};

const NEW_PATH: &str = r##"
  /open-api/goods/stock:
    post:
      operationId: goodsStock
      x-since: "1.5"
      x-retry-safe: true
      tags: [goods]
      summary: Query goods stock
      security:
        - oauth2: ["goods:detail:read"]
          tenantId: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/GoodsRequest"
      responses:
        "200":
          description: The stock.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/CommonResultGoodsStock"
"##;

const NEW_SCHEMAS: &str = r##"
    GoodsStock:
      type: object
      properties:
        stockNum:
          type: integer
          format: int64
    CommonResultGoodsStock:
      type: object
      required: [code]
      properties:
        code:
          $ref: "#/components/schemas/ResultCode"
        data:
          nullable: true
          allOf:
            - $ref: "#/components/schemas/GoodsStock"
        msg:
          $ref: "#/components/schemas/ResultMessage"
"##;

fn spec_with_new_operation() -> String {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/open-api.yaml"
    ))
    .unwrap();
    let spec = spec.replacen("paths:\n", &format!("paths:{NEW_PATH}"), 1);
    spec.replacen("  schemas:\n", &format!("  schemas:{NEW_SCHEMAS}"), 1)
}

#[test]
fn an_added_operation_becomes_a_typed_method() {
    let spec = parse_spec(&spec_with_new_operation()).unwrap();
    let generated = generate(&spec).unwrap();
    // Without white space and trailing commas: the layout is the formatter's business.
    let facade = generated
        .facade
        .replace(char::is_whitespace, "")
        .replace(",)", ")")
        .replace(",>", ">");
    assert!(
        facade.contains("pubfngoods_stock<B>(&self,body:B)->crate::Call<crate::types::GoodsStock>"),
        "{}",
        generated.facade
    );
    assert!(facade.contains("B:::std::convert::TryInto<crate::types::GoodsRequest>"));

    assert!(facade.contains(
        "support::call::<B,crate::types::GoodsRequest,_>(self,&OPERATIONS[0usize],body,support::data)"
    ));
    assert!(facade.contains(
        r#"name:"goods_stock",operation_id:"goodsStock",method:"POST",path:"/open-api/goods/stock",auth:support::Auth::Bearer,scopes:&["goods:detail:read"],since:"1.5",retry:support::RetryClass::Safe"#
    ));
    // progenitor generated the response type and the request, and the envelope was replaced;
    // its client is not kept (the SDK's runtime sends every request).
    assert!(generated.raw.contains("pub struct GoodsStock"));
    assert!(!generated.raw.contains("pub fn goods_stock(&self)"));
    assert!(facade.contains("crate::Envelope<crate::types::GoodsStock>"));
    assert!(!generated.raw.contains("pub struct CommonResultGoodsStock"));
}

#[test]
fn the_real_spec_generates_seven_business_methods_and_nine_operations() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/open-api.yaml"
    ))
    .unwrap();
    let spec = parse_spec(&text).unwrap();
    let ops = rizzitgo_open_api_codegen::operations(&spec).unwrap();
    assert_eq!(ops.len(), 9);
    let generated = generate(&spec).unwrap();
    let facade = generated
        .facade
        .replace(char::is_whitespace, "")
        .replace(",)", ")");
    assert_eq!(facade.matches("->crate::Call<").count(), 7);
}

#[test]
fn an_operation_without_operation_id_is_refused_with_its_path() {
    let spec = spec_with_new_operation().replace("      operationId: goodsStock\n", "");
    let error = generate(&parse_spec(&spec).unwrap()).unwrap_err();
    assert!(
        error.contains("POST /open-api/goods/stock: operationId is missing"),
        "{error}"
    );
}

#[test]
fn a_schema_name_that_is_not_a_rust_type_name_is_refused() {
    let spec =
        spec_with_new_operation().replace("CommonResultGoodsStock", "CommonResultGOODSStock");
    let error = generate(&parse_spec(&spec).unwrap()).unwrap_err();
    assert!(error.contains("CommonResultGOODSStock"), "{error}");
    assert!(error.contains("PascalCase"), "{error}");
}

/// The stock operation, paginated over a list of stock records.
fn spec_with_paginated_operation(pagination: &str) -> String {
    spec_with_new_operation()
        .replace(
            "      x-retry-safe: true\n      tags: [goods]\n      summary: Query goods stock",
            &format!(
                "      x-retry-safe: true\n{pagination}      tags: [goods]\n      summary: Query goods stock"
            ),
        )
        .replace(
            "$ref: \"#/components/schemas/GoodsRequest\"\n      responses:\n        \"200\":\n          description: The stock.",
            "$ref: \"#/components/schemas/StockPageRequest\"\n      responses:\n        \"200\":\n          description: The stock.",
        )
        .replacen(
            "  schemas:\n",
            r##"  schemas:
    StockPageRequest:
      type: object
      required: [pageNo, pageSize]
      properties:
        pageNo:
          type: integer
          format: int32
          minimum: 1
        pageSize:
          type: integer
          format: int32
          minimum: 1
          maximum: 50
    StockRecord:
      type: object
      properties:
        stockNum:
          type: integer
          format: int64
"##,
            1,
        )
        .replace(
            "    GoodsStock:\n      type: object\n      properties:\n",
            "    GoodsStock:\n      type: object\n      properties:\n        records:\n          type: array\n          items:\n            $ref: \"#/components/schemas/StockRecord\"\n        total:\n          type: integer\n          format: int64\n",
        )
}

const PAGINATION: &str = "      x-pagination:\n        page: pageNo\n        pageSize: pageSize\n        items: records\n        total: total\n";

#[test]
fn an_added_paginated_operation_gets_its_streams_with_no_hand_written_code() {
    let spec = parse_spec(&spec_with_paginated_operation(PAGINATION)).unwrap();
    let generated = generate(&spec).unwrap();
    let facade = generated
        .facade
        .replace(char::is_whitespace, "")
        .replace(",)", ")");
    assert!(
        facade.contains("pubfngoods_stock_pages<B>(&self,filter:B)->crate::Walk<crate::Page<"),
        "{}",
        generated.facade
    );
    assert!(facade.contains(
        "pubfngoods_stock_stream<B>(&self,filter:B)->crate::Walk<crate::types::StockRecord>"
    ));
    // The largest page the spec allows, unless the filter sets one.
    assert!(facade.contains(".unwrap_or(50u32)"));
    assert!(facade.contains("&mutpage.records"));
}

#[test]
fn a_wrong_x_pagination_is_refused_naming_the_operation_and_the_field() {
    for (pagination, expected) in [
        (
            PAGINATION.replace("items: records", "items: rows"),
            "no inline field `rows`",
        ),
        (
            PAGINATION.replace("page: pageNo", "page: pageNumber"),
            "`pageNumber` must be a required field",
        ),
        (
            PAGINATION.replace("total: total", "total: count"),
            "no field `count`",
        ),
        (
            format!("{PAGINATION}        cursor: next\n"),
            "unknown key `cursor`",
        ),
    ] {
        let spec = parse_spec(&spec_with_paginated_operation(&pagination)).unwrap();
        let error = generate(&spec).unwrap_err();
        assert!(
            error.contains("POST /open-api/goods/stock: x-pagination"),
            "{error}"
        );
        assert!(error.contains(expected), "{expected}: {error}");
    }
}

#[test]
fn an_added_operation_becomes_a_cli_subcommand_calling_its_sdk_method() {
    let spec = parse_spec(&spec_with_new_operation()).unwrap();
    let cli = rizzitgo_open_api_codegen::cli::generate_cli(&spec).unwrap();
    let code = cli.replace(char::is_whitespace, "");
    // Listed, named after the operationId, with a flag per request field.
    assert!(code.contains("&GOODS_STOCK"), "{cli}");
    assert!(code.contains(
        r#"staticGOODS_STOCK:crate::request::Spec=crate::request::Spec{command:"goods-stock",operation:"goods_stock",about:"Querygoodsstock""#
    ), "{cli}");
    assert!(code.contains(r#"wire:"goodsId",flag:"goods-id",kind:crate::request::Kind::Text"#));
    assert!(code.contains(r#"wire:"source",flag:"source",kind:crate::request::Kind::Integer"#));
    // Dispatched, decoded by the SDK (its rules and messages), sent by the SDK's method.
    assert!(code.contains(r#""goods-stock"=>goods_stock(client,matches,out).await,"#));
    assert!(code.contains(
        "letrequest:::rizzitgo_open_api::types::GoodsRequest=crate::request::operation(spec,)?.request_from_json(body)?;"
    ));
    assert!(code.contains("letdata=client.goods_stock(request).await?;"));
    // Not paginated: no --all.
    assert!(!code.contains("goods_stock_pages"));
}

#[test]
fn an_added_paginated_operation_gets_all_in_the_cli() {
    let spec = parse_spec(&spec_with_paginated_operation(PAGINATION)).unwrap();
    let cli = rizzitgo_open_api_codegen::cli::generate_cli(&spec).unwrap();
    let code = cli.replace(char::is_whitespace, "");
    assert!(code.contains(
        r#"paging:::std::option::Option::Some(crate::request::Paging{page:"pageNo",page_size:::std::option::Option::Some(("pageSize",50u64)),items:"records",})"#
    ), "{cli}");
    assert!(code.contains("returnout.pages(client.goods_stock_pages(request),spec).await;"));
}

#[test]
fn the_real_spec_gives_the_cli_seven_subcommands_and_no_token_endpoint() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/open-api.yaml"
    ))
    .unwrap();
    let cli = rizzitgo_open_api_codegen::cli::generate_cli(&parse_spec(&text).unwrap()).unwrap();
    assert_eq!(cli.matches("static ").count(), 1 + 7, "{cli}");
    assert!(!cli.contains("issue_token") && !cli.contains("revoke_token"));
}

#[test]
fn a_field_whose_flag_the_cli_uses_itself_is_refused() {
    let spec = spec_with_paginated_operation(PAGINATION).replace(
        "    StockPageRequest:\n      type: object\n      required: [pageNo, pageSize]\n      properties:\n",
        "    StockPageRequest:\n      type: object\n      required: [pageNo, pageSize]\n      properties:\n        output:\n          type: string\n",
    );
    let error =
        rizzitgo_open_api_codegen::cli::generate_cli(&parse_spec(&spec).unwrap()).unwrap_err();
    assert!(error.contains("StockPageRequest.output"), "{error}");
    assert!(error.contains("--output"), "{error}");
}
