"""The images part: the pick image bucket (``devdevdev.storage``) behind CloudFront."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct
from devdevdev.stages import CORS_MAX_AGE_SECONDS, Stage
from devdevdev.storage.images import ATTACHED_TAG

from infra.parts.ids import Part


class Images(Part):
    """The pick image bucket: private, encrypted, browser uploads by presigned POST from the stage's origins,
    unattached uploads expired by tag, server access logs in a bucket of their own; served through CloudFront
    (origin access control)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: Stage) -> None:
        super().__init__(scope, construct_id)
        retain = cdk.RemovalPolicy.RETAIN  # images and their logs outlive a stack, whatever the stage
        self.access_logs = s3.Bucket(
            self,
            "ImagesAccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(id="ExpireLogs", expiration=cdk.Duration.days(90))],
            removal_policy=retain,
        )
        self.bucket = s3.Bucket(
            self,
            "ImagesBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="images/",
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST],
                    allowed_origins=list(config.cors_allowed_origins),
                    allowed_headers=["*"],
                    max_age=CORS_MAX_AGE_SECONDS,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireUnattachedUploads", tag_filters={ATTACHED_TAG: "false"}, expiration=cdk.Duration.days(2)
                ),
                s3.LifecycleRule(
                    id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(1)
                ),
            ],
            removal_policy=retain,
        )
        # The distribution stays at the stack's root: CloudFront's origin id and origin access control are *named* after
        # the construct path (physical names, which a logical id rename cannot keep), so moving it would update them.
        self.cdn = cloudfront.Distribution(
            cdk.Stack.of(self),
            "ImagesCdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
        )

    @property
    def public_url(self) -> str:
        """Where the images are served (CloudFront's domain)."""
        return f"https://{self.cdn.distribution_domain_name}"

    def grant_uploads(self, function: lambda_.Function) -> None:
        """Put, read, tag and delete the bucket's objects; the function learns the bucket and the public URL."""
        self.bucket.grant_put(function)
        self.bucket.grant_read(function)
        self.bucket.grant_delete(function)
        function.add_to_role_policy(
            iam.PolicyStatement(actions=["s3:PutObjectTagging"], resources=[self.bucket.arn_for_objects("*")])
        )
        function.add_environment("IMAGES_BUCKET", self.bucket.bucket_name)
        function.add_environment("IMAGES_PUBLIC_URL", self.public_url)
