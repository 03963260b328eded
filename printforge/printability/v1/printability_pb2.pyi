from printforge.task.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateAnalyzeTaskRequest(_message.Message):
    __slots__ = ("owner", "model_url", "input_task_id", "unit", "printer", "material", "auto_orient")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    MODEL_URL_FIELD_NUMBER: _ClassVar[int]
    INPUT_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PRINTER_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    AUTO_ORIENT_FIELD_NUMBER: _ClassVar[int]
    owner: str
    model_url: str
    input_task_id: str
    unit: str
    printer: str
    material: str
    auto_orient: bool
    def __init__(self, owner: _Optional[str] = ..., model_url: _Optional[str] = ..., input_task_id: _Optional[str] = ..., unit: _Optional[str] = ..., printer: _Optional[str] = ..., material: _Optional[str] = ..., auto_orient: _Optional[bool] = ...) -> None: ...

class CreateAnalyzeTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class CreateRepairTaskRequest(_message.Message):
    __slots__ = ("owner", "model_url", "input_task_id", "unit", "auto_orient")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    MODEL_URL_FIELD_NUMBER: _ClassVar[int]
    INPUT_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    AUTO_ORIENT_FIELD_NUMBER: _ClassVar[int]
    owner: str
    model_url: str
    input_task_id: str
    unit: str
    auto_orient: bool
    def __init__(self, owner: _Optional[str] = ..., model_url: _Optional[str] = ..., input_task_id: _Optional[str] = ..., unit: _Optional[str] = ..., auto_orient: _Optional[bool] = ...) -> None: ...

class CreateRepairTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("owner", "task_id", "kind")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    owner: str
    task_id: str
    kind: str
    def __init__(self, owner: _Optional[str] = ..., task_id: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class GetTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class ListTasksRequest(_message.Message):
    __slots__ = ("owner", "kind", "page_size", "page_token", "skip", "order_by")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SKIP_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    owner: str
    kind: str
    page_size: int
    page_token: str
    skip: int
    order_by: str
    def __init__(self, owner: _Optional[str] = ..., kind: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., skip: _Optional[int] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListTasksResponse(_message.Message):
    __slots__ = ("tasks", "next_page_token")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[_task_pb2.Task]
    next_page_token: str
    def __init__(self, tasks: _Optional[_Iterable[_Union[_task_pb2.Task, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteTaskRequest(_message.Message):
    __slots__ = ("owner", "task_id", "kind")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    owner: str
    task_id: str
    kind: str
    def __init__(self, owner: _Optional[str] = ..., task_id: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class DeleteTaskResponse(_message.Message):
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

class AnalyzeMeshRequest(_message.Message):
    __slots__ = ("data", "filename", "unit")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    filename: str
    unit: str
    def __init__(self, data: _Optional[bytes] = ..., filename: _Optional[str] = ..., unit: _Optional[str] = ...) -> None: ...

class AnalyzeMeshResponse(_message.Message):
    __slots__ = ("report_json",)
    REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    report_json: str
    def __init__(self, report_json: _Optional[str] = ...) -> None: ...

class RepairMeshRequest(_message.Message):
    __slots__ = ("data", "filename", "unit")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    filename: str
    unit: str
    def __init__(self, data: _Optional[bytes] = ..., filename: _Optional[str] = ..., unit: _Optional[str] = ...) -> None: ...

class RepairMeshResponse(_message.Message):
    __slots__ = ("data", "report_json")
    DATA_FIELD_NUMBER: _ClassVar[int]
    REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    report_json: str
    def __init__(self, data: _Optional[bytes] = ..., report_json: _Optional[str] = ...) -> None: ...
