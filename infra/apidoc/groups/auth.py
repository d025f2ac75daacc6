"""The auth group's routes: token refresh, the test tokens, logout and the Kakao login."""

from __future__ import annotations

from infra.apidoc.model import Doc, F, P

DOCS: dict[str, Doc] = {
    "POST /token/refresh": Doc(
        summary="토큰 재발급 API",
        description="- 엑세스 토큰 만료시 토큰을 재발급하는 API\n"
        "- 리프레시 토큰은 쿠키(DEVDEVDEV_REFRESH_TOKEN)로 받고, 새 엑세스·리프레시 토큰을 쿠키로 내려준다 (rotation).\n"
        "- Authorization 헤더는 읽지 않는다 (만료된 엑세스 토큰이 함께 와도 된다).\n"
        "- 방금 교체된 리프레시 토큰이 REFRESH_TOKEN_REUSE_INTERVAL_SECONDS(기본 30초) 안에 다시 오면 같은 새 리프레시 "
        "토큰을 다시 내려준다 (동시에 보낸 재발급 요청이 모두 성공한다).\n"
        "- 그 뒤에 오거나 더 오래된 토큰이 오면 그 로그인의 토큰 전체(family)를 폐기한다: 가장 새 토큰도 401이 된다. "
        "로그아웃도 family를 폐기한다.\n"
        "- 엑세스 토큰을 리프레시 토큰 쿠키로 보내면 401 `지원하지 않는 JWT 입니다.`",
        cookies=(P("DEVDEVDEV_REFRESH_TOKEN", "리프레시 토큰", optional=True),),
        response=(F("resultType", "String", "응답 결과"),),
        errors=(
            "MEMBER_NOT_FOUND",
            "COOKIE_MISSING",
            "COOKIE_VALUE_MISSING",
            "INVALID_REFRESH_TOKEN",
            # the refresh cookie's token: a bad signature, expired, or not a refresh token
            "JWT_BAD_SIGNATURE",
            "JWT_EXPIRED",
            "JWT_UNSUPPORTED",
        ),
    ),
    "GET /token/test/user": Doc(
        summary="USER 테스트 토큰 생성 API",
        description="- USER 권한 테스트 계정의 토큰을 생성하는 API",
        response=(
            F("resultType", "String", "응답 결과"),
            F("data", "Object", "응답 데이터"),
            F("data.accessToken", "String", "엑세스 토큰"),
            F("data.refreshToken", "String", "리프레시 토큰"),
        ),
        errors=("MEMBER_NOT_FOUND",),
    ),
    "GET /token/test/admin": Doc(
        summary="ADMIN 테스트 토큰 생성 API",
        description="- ADMIN 권한 테스트 계정의 토큰을 생성하는 API",
        response=(
            F("resultType", "String", "응답 결과"),
            F("data", "Object", "응답 데이터"),
            F("data.accessToken", "String", "엑세스 토큰"),
            F("data.refreshToken", "String", "리프레시 토큰"),
        ),
        errors=("MEMBER_NOT_FOUND",),
    ),
    "POST /logout": Doc(
        summary="로그아웃 API",
        description="- 리프레시 토큰을 쿠키로 요청받아 회원의 리프레시 토큰을 비활성화 한다.\n- 리프레시 토큰 쿠키를 초기화 한다.",
        auth="required",
        cookies=(P("DEVDEVDEV_REFRESH_TOKEN", "리프레시 토큰"),),
        response=(F("resultType", "String", "응답 결과"),),
        errors=("MEMBER_NOT_FOUND",),
    ),
    "GET /oauth2/authorization/kakao": Doc(
        summary="카카오 로그인 시작 API",
        description="- 계약서에 없는 API: 카카오 인가 페이지로 302 리다이렉트한다 (서명된 state 포함).\n"
        '- 브라우저에서 여는 주소로, Swagger UI의 "Try it out"은 리다이렉트를 따라가지 않는다.',
        success_status=302,
        success_kind="redirect",
    ),
    "GET /login/oauth2/code/kakao": Doc(
        summary="카카오 로그인 콜백 API",
        description="- 계약서에 없는 API: 카카오가 인가 코드와 함께 돌려보내는 주소.\n"
        "- 로그인에 성공하면 토큰과 회원 쿠키를 심고 프론트엔드 주소로 302 리다이렉트한다.",
        query=(
            P("code", "카카오 인가 코드", optional=True),
            P("state", "로그인 시작 때 서명한 state", optional=True),
            P("error", "카카오가 돌려준 오류 코드", optional=True),
        ),
        success_status=302,
        success_kind="redirect",
        errors=("SOCIAL_LOGIN_FAILED",),
    ),
}
