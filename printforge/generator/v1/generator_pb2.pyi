from printforge.task.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CatalogEntry(_message.Message):
    __slots__ = ("kind", "id", "title", "description", "param_manifest_json")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAM_MANIFEST_JSON_FIELD_NUMBER: _ClassVar[int]
    kind: str
    id: str
    title: str
    description: str
    param_manifest_json: str
    def __init__(self, kind: _Optional[str] = ..., id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., param_manifest_json: _Optional[str] = ...) -> None: ...

class ListCatalogRequest(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: str
    def __init__(self, kind: _Optional[str] = ...) -> None: ...

class ListCatalogResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[CatalogEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[CatalogEntry, _Mapping]]] = ...) -> None: ...

class Generation(_message.Message):
    __slots__ = ("id", "owner", "source", "template_id", "version", "status", "param_manifest_json", "param_values_json", "analysis_json", "interpretation_json", "error_message", "created_at_ms", "updated_at_ms", "files", "task_id")
    class FilesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PARAM_MANIFEST_JSON_FIELD_NUMBER: _ClassVar[int]
    PARAM_VALUES_JSON_FIELD_NUMBER: _ClassVar[int]
    ANALYSIS_JSON_FIELD_NUMBER: _ClassVar[int]
    INTERPRETATION_JSON_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    owner: str
    source: str
    template_id: str
    version: int
    status: str
    param_manifest_json: str
    param_values_json: str
    analysis_json: str
    interpretation_json: str
    error_message: str
    created_at_ms: int
    updated_at_ms: int
    files: _containers.ScalarMap[str, str]
    task_id: str
    def __init__(self, id: _Optional[str] = ..., owner: _Optional[str] = ..., source: _Optional[str] = ..., template_id: _Optional[str] = ..., version: _Optional[int] = ..., status: _Optional[str] = ..., param_manifest_json: _Optional[str] = ..., param_values_json: _Optional[str] = ..., analysis_json: _Optional[str] = ..., interpretation_json: _Optional[str] = ..., error_message: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., files: _Optional[_Mapping[str, str]] = ..., task_id: _Optional[str] = ...) -> None: ...

class CreateGenerationRequest(_message.Message):
    __slots__ = ("owner", "starter_id", "gift", "chat", "image", "params_json", "output_format")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    STARTER_ID_FIELD_NUMBER: _ClassVar[int]
    GIFT_FIELD_NUMBER: _ClassVar[int]
    CHAT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    owner: str
    starter_id: str
    gift: GiftSource
    chat: ChatSource
    image: ImageSource
    params_json: str
    output_format: str
    def __init__(self, owner: _Optional[str] = ..., starter_id: _Optional[str] = ..., gift: _Optional[_Union[GiftSource, _Mapping]] = ..., chat: _Optional[_Union[ChatSource, _Mapping]] = ..., image: _Optional[_Union[ImageSource, _Mapping]] = ..., params_json: _Optional[str] = ..., output_format: _Optional[str] = ...) -> None: ...

class ImageSource(_message.Message):
    __slots__ = ("image", "kind", "width_mm")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    WIDTH_MM_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    kind: str
    width_mm: float
    def __init__(self, image: _Optional[bytes] = ..., kind: _Optional[str] = ..., width_mm: _Optional[float] = ...) -> None: ...

class GiftSource(_message.Message):
    __slots__ = ("template_id", "config_json")
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    config_json: str
    def __init__(self, template_id: _Optional[str] = ..., config_json: _Optional[str] = ...) -> None: ...

class ChatSource(_message.Message):
    __slots__ = ("prompt", "generation_id")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    GENERATION_ID_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    generation_id: str
    def __init__(self, prompt: _Optional[str] = ..., generation_id: _Optional[str] = ...) -> None: ...

class CreateGenerationResponse(_message.Message):
    __slots__ = ("generation", "cached")
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    CACHED_FIELD_NUMBER: _ClassVar[int]
    generation: Generation
    cached: bool
    def __init__(self, generation: _Optional[_Union[Generation, _Mapping]] = ..., cached: _Optional[bool] = ...) -> None: ...

class GetGenerationRequest(_message.Message):
    __slots__ = ("owner", "generation_id", "version")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    GENERATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    owner: str
    generation_id: str
    version: int
    def __init__(self, owner: _Optional[str] = ..., generation_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetGenerationResponse(_message.Message):
    __slots__ = ("generation",)
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    generation: Generation
    def __init__(self, generation: _Optional[_Union[Generation, _Mapping]] = ...) -> None: ...

class UpdateGenerationParamsRequest(_message.Message):
    __slots__ = ("owner", "generation_id", "params_json")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    GENERATION_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    owner: str
    generation_id: str
    params_json: str
    def __init__(self, owner: _Optional[str] = ..., generation_id: _Optional[str] = ..., params_json: _Optional[str] = ...) -> None: ...

class UpdateGenerationParamsResponse(_message.Message):
    __slots__ = ("generation",)
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    generation: Generation
    def __init__(self, generation: _Optional[_Union[Generation, _Mapping]] = ...) -> None: ...

class ListGenerationVersionsRequest(_message.Message):
    __slots__ = ("owner", "generation_id")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    GENERATION_ID_FIELD_NUMBER: _ClassVar[int]
    owner: str
    generation_id: str
    def __init__(self, owner: _Optional[str] = ..., generation_id: _Optional[str] = ...) -> None: ...

class ListGenerationVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[Generation]
    def __init__(self, versions: _Optional[_Iterable[_Union[Generation, _Mapping]]] = ...) -> None: ...

class ListGenerationsRequest(_message.Message):
    __slots__ = ("owner", "sources", "page_size", "page_token")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    owner: str
    sources: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    page_token: str
    def __init__(self, owner: _Optional[str] = ..., sources: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListGenerationsResponse(_message.Message):
    __slots__ = ("generations", "next_page_token")
    GENERATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    generations: _containers.RepeatedCompositeFieldContainer[Generation]
    next_page_token: str
    def __init__(self, generations: _Optional[_Iterable[_Union[Generation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Webhook(_message.Message):
    __slots__ = ("id", "owner", "url", "events", "created_at_ms", "disabled_at_ms", "disabled_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DISABLED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DISABLED_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    owner: str
    url: str
    events: _containers.RepeatedScalarFieldContainer[str]
    created_at_ms: int
    disabled_at_ms: int
    disabled_reason: str
    def __init__(self, id: _Optional[str] = ..., owner: _Optional[str] = ..., url: _Optional[str] = ..., events: _Optional[_Iterable[str]] = ..., created_at_ms: _Optional[int] = ..., disabled_at_ms: _Optional[int] = ..., disabled_reason: _Optional[str] = ...) -> None: ...

class CreateWebhookRequest(_message.Message):
    __slots__ = ("owner", "url", "events", "secret")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    owner: str
    url: str
    events: _containers.RepeatedScalarFieldContainer[str]
    secret: str
    def __init__(self, owner: _Optional[str] = ..., url: _Optional[str] = ..., events: _Optional[_Iterable[str]] = ..., secret: _Optional[str] = ...) -> None: ...

class CreateWebhookResponse(_message.Message):
    __slots__ = ("webhook", "secret")
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    webhook: Webhook
    secret: str
    def __init__(self, webhook: _Optional[_Union[Webhook, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class ListWebhooksRequest(_message.Message):
    __slots__ = ("owner",)
    OWNER_FIELD_NUMBER: _ClassVar[int]
    owner: str
    def __init__(self, owner: _Optional[str] = ...) -> None: ...

class ListWebhooksResponse(_message.Message):
    __slots__ = ("webhooks",)
    WEBHOOKS_FIELD_NUMBER: _ClassVar[int]
    webhooks: _containers.RepeatedCompositeFieldContainer[Webhook]
    def __init__(self, webhooks: _Optional[_Iterable[_Union[Webhook, _Mapping]]] = ...) -> None: ...

class DeleteWebhookRequest(_message.Message):
    __slots__ = ("owner", "webhook_id")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_ID_FIELD_NUMBER: _ClassVar[int]
    owner: str
    webhook_id: str
    def __init__(self, owner: _Optional[str] = ..., webhook_id: _Optional[str] = ...) -> None: ...

class DeleteWebhookResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WatchTaskRequest(_message.Message):
    __slots__ = ("owner", "task_id")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    owner: str
    task_id: str
    def __init__(self, owner: _Optional[str] = ..., task_id: _Optional[str] = ...) -> None: ...

class WatchTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class GetPartMeshRequest(_message.Message):
    __slots__ = ("owner", "generation_id", "version", "format")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    GENERATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    owner: str
    generation_id: str
    version: int
    format: str
    def __init__(self, owner: _Optional[str] = ..., generation_id: _Optional[str] = ..., version: _Optional[int] = ..., format: _Optional[str] = ...) -> None: ...

class GetPartMeshResponse(_message.Message):
    __slots__ = ("version", "status", "blob_key", "filename", "unit", "printability_json")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BLOB_KEY_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PRINTABILITY_JSON_FIELD_NUMBER: _ClassVar[int]
    version: int
    status: str
    blob_key: str
    filename: str
    unit: str
    printability_json: str
    def __init__(self, version: _Optional[int] = ..., status: _Optional[str] = ..., blob_key: _Optional[str] = ..., filename: _Optional[str] = ..., unit: _Optional[str] = ..., printability_json: _Optional[str] = ...) -> None: ...
