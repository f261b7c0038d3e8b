import os
files = {
    'IMG_20230415_123000.jpg': b'jpeg:beach',
    'IMG_20230415_123000 (1).jpg': b'jpeg:beach',
    'IMG_20230415_123000 (2).jpg': b'jpeg:beach-edited',
    'IMG_20230416_080102.JPG': b'jpeg:sunrise',
    'IMG_20221231_235959.jpg': b'jpeg:fireworks',
    'VID_20221231_235959.mp4': b'mp4:fireworks',
    'VID_20230101_000501.mp4': b'mp4:party',
    'IMG_20230102_101112.jpg': b'jpeg:snow',
    'IMG_2023_bad_name.jpg': b'jpeg:unknown',
    'notes.txt': b'not media',
    'IMG_20230102_101112.jpg.part': b'partial download',
}
os.makedirs('/app/inbox', exist_ok=True)
for n, data in files.items():
    open(os.path.join('/app/inbox', n), 'wb').write(data)
os.makedirs('/app/library/2023/01', exist_ok=True)
open('/app/library/2023/01/20230102_101112.jpg', 'wb').write(b'jpeg:snow-older-import')
